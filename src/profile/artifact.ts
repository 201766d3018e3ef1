// The .cpuprofile files a result names (evidence.profile), as paths beside its JSON: what the
// action uploads with the result artifact, for a reviewer to open in Chrome DevTools.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Result } from '../result.js';

export function profileFiles(result: Result, resultPath: string): string[] {
  const dir = path.dirname(resultPath);
  const names = (result.evidence?.profile?.profiles ?? []).flatMap((p) =>
    p.files ? [p.files.base, p.files.head] : [],
  );
  // Names are perfgate's own (collect.ts), never a path: nothing outside the result's folder.
  return names
    .filter((name) => path.basename(name) === name)
    .map((name) => path.join(dir, name))
    .filter((file) => existsSync(file));
}
