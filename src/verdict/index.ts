export { VerdictInputError } from './errors.js';
export {
  budgetExceeded,
  decideVerdict,
  defaultDifferenceThreshold,
  thresholdFor,
} from './gate.js';
export { type Disagreement, type Recheck, recheckResult } from './recheck.js';
export { isResolved, metricStatus, type StatusInput } from './status.js';
