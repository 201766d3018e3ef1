// The environment of everything perfgate starts: builds, servers and commands (the PR's code),
// git and Chromium. It is perfgate's own environment minus the runner's credentials, so that a
// hostile pull request cannot read a token that was meant for perfgate alone.

/**
 * GitHub credentials by the names the runner, actions and the `gh` CLI use. perfgate needs them
 * to post its report; the code it measures never does.
 */
const TOKENS = new Set([
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'GH_ENTERPRISE_TOKEN',
]);

/**
 * The runner's file commands: a step that writes to these files sets the environment, PATH and
 * outputs of the job's later steps, which may hold secrets PR code never should reach. (They
 * are only file paths; withholding them stops the obvious route, not a determined search.)
 */
const FILE_COMMANDS = new Set([
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
]);

/**
 * Whether a variable is kept from child processes. Names are matched in any case, and every
 * character after a prefix counts (the runner passes `with: github-token` as
 * `INPUT_GITHUB-TOKEN`, a name bash cannot even export but its children inherit):
 * - `INPUT_*`: the action's inputs, `github-token` among them.
 * - `ACTIONS_*`: the runtime token and URLs for artifacts, cache, results and OIDC id tokens
 *   (`ACTIONS_RUNTIME_TOKEN`, `ACTIONS_ID_TOKEN_REQUEST_TOKEN`/`_URL`, `ACTIONS_CACHE_URL`,
 *   `ACTIONS_RESULTS_URL`…); with them a build could upload artifacts or mint cloud
 *   credentials in the workflow's name.
 * - the GitHub tokens and file commands above.
 * Everything else stays: PATH, HOME, CI, GITHUB_SHA, GITHUB_REPOSITORY, RUNNER_* and what the
 * workflow's author set on the step on purpose (NODE_AUTH_TOKEN for a private registry, say).
 */
export function isWithheld(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    upper.startsWith('INPUT_') ||
    upper.startsWith('ACTIONS_') ||
    TOKENS.has(upper) ||
    FILE_COMMANDS.has(upper)
  );
}

/** `parent` without the withheld variables, then `extra` (the config's `env`, PORT…) on top. */
export function childEnvironment(
  extra: Record<string, string> = {},
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && !isWithheld(name)) env[name] = value;
  }
  return { ...env, ...extra };
}
