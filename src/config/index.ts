// config/: perfgate.yml, flags and action inputs → one resolved Config (shared/DESIGN.md).
export { ConfigError, type ConfigIssue, formatIssue } from './errors.js';
export {
  applyOverrides,
  type ConfigOverrides,
  loadConfig,
  OVERRIDE_FLAGS,
  parseConfig,
} from './load.js';
export { configJsonSchema, configJsonSchemaText, configSchema, DEFAULTS } from './schema.js';
export { describeValue, parseDuration, parsePercent, parseSize, ValueError } from './values.js';
