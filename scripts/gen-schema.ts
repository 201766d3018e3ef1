// Writes schema/perfgate.schema.json from the zod source of perfgate.yml (src/config/schema.ts).
// Run: npx tsx scripts/gen-schema.ts (npm run schema). test/config/json-schema.test.ts fails
// when the committed file differs from a fresh generation.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from '../src/config/schema.js';

const target = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'schema',
  'perfgate.schema.json',
);
await mkdir(dirname(target), { recursive: true });
await writeFile(target, configJsonSchemaText());
console.log(`wrote ${target}`);
