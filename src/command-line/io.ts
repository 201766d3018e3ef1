// What the terminal front is given: the directory, the two streams, whether it is a terminal.
export interface CliIo {
  cwd: string;
  /** The report and anything a user pipes. */
  stdout: (text: string) => void;
  /** Progress, notes and errors. */
  stderr: (text: string) => void;
  /** Colour and live (redrawn) progress. */
  isTty: boolean;
  /** The terminal's width, for the live progress block. */
  columns?: number;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}
