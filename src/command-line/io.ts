// What the terminal front is given: the directory, the two streams, whether it is a terminal.
export interface CliIo {
  cwd: string;
  /** The report and anything a user pipes. */
  stdout: (text: string) => void;
  /** Progress, notes and errors. */
  stderr: (text: string) => void;
  /** Colour and live (overwritten) progress lines. */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export function progressWriter(io: CliIo): (line: string) => void {
  if (!io.isTty) return (line) => io.stderr(`${line}\n`);
  // One live line, overwritten in place; the final report starts on a clean line.
  return (line) => io.stderr(`\r\x1b[2K${line}`);
}
