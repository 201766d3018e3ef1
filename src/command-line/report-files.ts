// The report files the flags ask for (--json, --markdown), beside the terminal output.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { serializeResult } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Result } from '../result.js';
import type { CliArgs } from './flags.js';
import type { CliIo } from './io.js';

async function writeReportFile(cwd: string, path: string, text: string): Promise<string> {
  const target = resolve(cwd, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  return target;
}

export async function writeReports(result: Result, args: CliArgs, io: CliIo): Promise<void> {
  if (args.json) {
    const path = await writeReportFile(io.cwd, args.json, serializeResult(result));
    io.stderr(`Result JSON written to ${path}\n`);
  }
  if (args.markdown) {
    const path = await writeReportFile(io.cwd, args.markdown, renderMarkdown(result));
    io.stderr(`Markdown report written to ${path}\n`);
  }
}
