// A bounded record of a child process's recent output: the last lines are what explain a failed
// build or a crashed server, and keeping everything would let a chatty server exhaust memory.

export const DEFAULT_TAIL_LINES = 200;
/** A minified bundle printed on one line must not defeat the line bound. */
const MAX_LINE_CHARS = 4000;

export class OutputTail {
  private readonly lines: string[] = [];
  /** The unfinished last line, per stream, so interleaved stdout and stderr do not splice. */
  private readonly partial = new Map<string, string>();
  private dropped = 0;

  constructor(readonly maxLines: number = DEFAULT_TAIL_LINES) {
    if (!Number.isInteger(maxLines) || maxLines < 1) {
      throw new RangeError(`maxLines must be a positive integer, got ${maxLines}`);
    }
  }

  push(text: string, stream = 'out'): void {
    const pieces = ((this.partial.get(stream) ?? '') + text).split('\n');
    this.partial.set(stream, clip(pieces.pop() ?? ''));
    for (const line of pieces) this.add(clip(line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  /** The kept lines, oldest first, with a marker when earlier lines were dropped. */
  text(): string {
    const lines = [...this.lines];
    for (const rest of this.partial.values()) if (rest !== '') lines.push(rest);
    const dropped = this.dropped + Math.max(0, lines.length - this.maxLines);
    const head = dropped > 0 ? [`[… ${dropped} earlier lines not kept]`] : [];
    return [...head, ...lines.slice(-this.maxLines)].join('\n');
  }

  private add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) {
      this.lines.shift();
      this.dropped += 1;
    }
  }
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} [… line clipped]` : line;
}
