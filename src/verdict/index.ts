export {
  type BundleBudgets,
  budgetEntries,
  checkBundleBudgets,
  checkTimedBudgets,
} from './budgets.js';
export { VerdictInputError } from './errors.js';
export { bundleToComparisons, type ExactThreshold, exactComparisons } from './exact.js';
export { applyFailOn, type CheckConclusion, type GateEffect } from './fail-on.js';
export {
  budgetExceeded,
  decideVerdict,
  defaultDifferenceThreshold,
  thresholdFor,
} from './gate.js';
export { type Disagreement, type Recheck, recheckResult } from './recheck.js';
export { isResolved, metricStatus, type StatusInput } from './status.js';
