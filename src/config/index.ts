// config/: perfgate.yml, flags and action inputs → one resolved Config (shared/DESIGN.md).
export { ConfigError, type ConfigIssue, formatIssue } from './errors.js';
export { loadConfig, parseConfig } from './load.js';
export {
  applyOverrides,
  type BaselineSource,
  type ConfigOverrides,
  OVERRIDE_FLAGS,
  type ResolvedSettings,
  resolveConfig,
} from './resolve.js';
export { configJsonSchema, configJsonSchemaText, configSchema, DEFAULTS } from './schema.js';
export { describeValue, parseDuration, parsePercent, parseSize, ValueError } from './values.js';
