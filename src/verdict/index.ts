export { VerdictInputError } from './errors.js';
export { decideVerdict, defaultDifferenceThreshold, thresholdFor } from './gate.js';
export { isResolved, metricStatus, type StatusInput } from './status.js';
