// The workspace stage: the two trees (merge-base and head), their builds, their servers, and
// the cleanup that guarantees none of it outlives the run.
export {
  BuildError,
  type BuildOptions,
  type BuildOutcome,
  buildTrees,
  type CommandResult,
  type RunCommandOptions,
  runBuild,
  runCommand,
} from './build.js';
export { type CleanupOptions, pendingCleanups, registerCleanup, runCleanups } from './cleanup.js';
export {
  createWorktrees,
  GitError,
  type GitRef,
  git,
  NoDefaultBranchError,
  NoMergeBaseError,
  NotAGitRepositoryError,
  type ResolvedRefs,
  resolveRefs,
  UnknownRefError,
  type Worktrees,
} from './git.js';
export { DEFAULT_TAIL_LINES, OutputTail } from './output-tail.js';
export {
  isProcessAlive,
  isProcessGroupAlive,
  ProcessGroupSurvivedError,
  processGroupMembers,
  SpawnError,
  signalProcessGroup,
  terminateProcessGroup,
} from './process-group.js';
export {
  findFreePort,
  type RunningServer,
  type ServerExit,
  ServerExitedError,
  ServerNotReadyError,
  type StartServerOptions,
  startServer,
} from './server.js';
