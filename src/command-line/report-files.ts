// The markdown report --markdown asks for, beside the terminal output (the result JSON of --json
// is written by the mode, as the action's is).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderMarkdown } from '../report/markdown.js';
import type { Result } from '../result.js';
import type { CliArgs } from './flags.js';
import type { CliIo } from './io.js';

export async function writeMarkdownReport(
  result: Result,
  args: Pick<CliArgs, 'markdown'>,
  io: CliIo,
): Promise<void> {
  if (!args.markdown) return;
  const path = resolve(io.cwd, args.markdown);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderMarkdown(result));
  io.stderr(`Markdown report written to ${path}\n`);
}
