export { SampleError, SamplerInputError } from './errors.js';
export { describeProgress, logProgress, type Phase, type RunProgress } from './progress.js';
export {
  type LookEstimate,
  type LookProgress,
  type LookRecord,
  runSampler,
  type SamplerOptions,
  type SamplerOutcome,
  type SamplerProbe,
  type SamplerProgress,
  type StoppedBy,
} from './sampler.js';
