// A compiled project's frames named by their sources: a profiled file under the tree whose last
// line is `//# sourceMappingURL=<file>.map` (a map file beside it, not a data URL) has its
// frames' URL, line and column, and its position ticks, mapped to the original source, so the
// table names `src/auth.ts:12` and the pull request's diff is matched against the file it
// changed. Frames without a readable map stay as they were.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AnyMap,
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  originalPositionFor,
  type TraceMap,
} from '@jridgewell/trace-mapping';
import type { CallFrame, CpuProfile } from './cpuprofile.js';

const MAP_COMMENT = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

function insideRoot(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function fileOf(url: string): string | undefined {
  if (!url.startsWith('file://')) return undefined;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
}

/** The map of a file under `root`, from a map file beside it; undefined when there is none. */
function loadMap(file: string, root: string): { map: TraceMap; dir: string } | undefined {
  if (!insideRoot(root, file) || file.includes(`${path.sep}node_modules${path.sep}`)) {
    return undefined;
  }
  try {
    const text = readFileSync(file, 'utf8');
    const comment = MAP_COMMENT.exec(text.slice(-1000));
    if (!comment?.[1] || comment[1].startsWith('data:')) return undefined;
    const mapFile = path.resolve(path.dirname(file), comment[1]);
    if (!insideRoot(root, mapFile)) return undefined;
    const map = AnyMap(readFileSync(mapFile, 'utf8'), mapFile);
    return { map, dir: path.dirname(mapFile) };
  } catch {
    return undefined;
  }
}

/** `line` is 1-based, `column` 0-based, as the map's look-up takes them. */
function original(
  mapped: { map: TraceMap; dir: string },
  line: number,
  column: number,
): { file: string; line: number; column: number } | undefined {
  for (const bias of [GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND] as const) {
    const at = originalPositionFor(mapped.map, { line, column, bias });
    if (at.source !== null && at.line !== null) {
      // trace-mapping resolves sources against the map's own path and sourceRoot already.
      const file = path.resolve(mapped.dir, at.source);
      return { file, line: at.line, column: at.column ?? 0 };
    }
  }
  return undefined;
}

/** The profile with every frame of a mapped file under `root` moved to its original source. */
export function applySourceMaps(profile: CpuProfile, root: string): CpuProfile {
  const maps = new Map<string, ReturnType<typeof loadMap>>();
  const mapFor = (file: string) => {
    if (!maps.has(file)) maps.set(file, loadMap(file, root));
    return maps.get(file);
  };
  const nodes = profile.nodes.map((node) => {
    const file = fileOf(node.callFrame.url);
    const mapped = file === undefined ? undefined : mapFor(file);
    if (!mapped || node.callFrame.lineNumber < 0) return node;
    const at = original(mapped, node.callFrame.lineNumber + 1, node.callFrame.columnNumber);
    if (!at || !insideRoot(root, at.file)) return node;
    const callFrame: CallFrame = {
      ...node.callFrame,
      url: pathToFileURL(at.file).href,
      lineNumber: at.line - 1,
      columnNumber: at.column,
    };
    const ticks = node.positionTicks?.flatMap((t) => {
      const line = original(mapped, t.line, 0);
      return line && line.file === at.file ? [{ line: line.line, ticks: t.ticks }] : [];
    });
    return { ...node, callFrame, ...(ticks ? { positionTicks: ticks } : {}) };
  });
  return { ...profile, nodes };
}
