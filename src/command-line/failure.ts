// Anything thrown, turned into one message on stderr and the exit code (errors.ts).
import {
  EXIT,
  exitCodeFor,
  getErrorHint,
  getErrorMessage,
  InterruptedError,
  UsageError,
} from '../errors.js';
import type { CliIo } from './io.js';

export function fail(io: CliIo, cause: unknown): number {
  // Whatever broke after an interrupt (a server stopped mid-round…) is its consequence.
  const error = io.signal?.aborted ? io.signal.reason : cause;
  const code = exitCodeFor(error);
  if (error instanceof InterruptedError) {
    io.stderr(`${io.isTty ? '\r\x1b[2K' : ''}perfgate: ${error.message}\n`);
    return code;
  }
  const kind = code === EXIT.usage ? 'error' : 'measurement failed';
  io.stderr(`${io.isTty ? '\r\x1b[2K' : ''}perfgate: ${kind}: ${getErrorMessage(error)}\n`);
  const hint = getErrorHint(error);
  if (hint) io.stderr(`  ${hint}\n`);
  if (code === EXIT.usage && error instanceof UsageError)
    io.stderr('  (perfgate --help lists the options)\n');
  return code;
}
