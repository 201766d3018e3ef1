// Finding and launching the one headless Chromium a run reuses for every Lighthouse run.
// Lighthouse connects to it through its DevTools port; each run opens and closes its own tab.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BadInputError } from '../../errors.js';
import { childEnvironment } from '../../workspace/child-environment.js';
import { registerCleanup } from '../../workspace/cleanup.js';
import { terminateProcessGroup } from '../../workspace/process-group.js';
import { spawnMarks } from '../../workspace/run-cookie.js';

/** Where Chrome usually lives, checked in order after CHROME_PATH. */
export const CHROME_CANDIDATES: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Names Chrome goes by on PATH, looked for after CHROME_PATH and before CHROME_CANDIDATES. */
export const CHROME_COMMANDS: readonly string[] = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
];

/** What the install command depends on: the distribution (/etc/os-release) and being root. */
export interface SystemFacts {
  /** The text of /etc/os-release; absent where there is none. */
  osRelease?: string;
  root: boolean;
}

export function readSystemFacts(): SystemFacts {
  let osRelease: string | undefined;
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    osRelease = undefined;
  }
  return { ...(osRelease !== undefined ? { osRelease } : {}), root: process.getuid?.() === 0 };
}

/** `ID` and `ID_LIKE` of an os-release text, lower case: ['ubuntu', 'debian'] on Ubuntu. */
function distributionIds(osRelease: string | undefined): string[] {
  const ids: string[] = [];
  for (const line of (osRelease ?? '').split('\n')) {
    const match = /^(ID|ID_LIKE)=(.*)$/.exec(line.trim());
    if (match) ids.push(...match[2]!.replace(/["']/g, '').toLowerCase().split(/\s+/));
  }
  return ids.filter((id) => id !== '');
}

/** One command line that installs Debian packages: apt's lists refreshed first (a fresh image
 *  has none), through sudo unless root. */
export function aptInstallCommand(packages: readonly string[], root: boolean): string {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

export interface ChromiumPackage {
  /** The distribution's package of Chromium. */
  name: string;
  /** What may still stand in the way. */
  caveat?: string;
}

/** Chromium from the distribution's packages, on Debian and Ubuntu (and their derivatives). */
export function chromiumPackage(system: SystemFacts): ChromiumPackage | undefined {
  const ids = distributionIds(system.osRelease);
  if (ids.includes('ubuntu')) {
    return {
      name: 'chromium-browser',
      caveat:
        "on Ubuntu this package installs the Chromium snap, which needs snapd (most containers have none); there, install Google Chrome's .deb and set CHROME_PATH",
    };
  }
  if (ids.includes('debian')) return { name: 'chromium' };
  return undefined;
}

/** How to get a Chrome on this machine: the exact command where the distribution has one. */
export function chromeInstallHint(system: SystemFacts = readSystemFacts()): string {
  const found = chromiumPackage(system);
  const command = found
    ? `install Chromium with \`${aptInstallCommand([found.name], system.root)}\`${found.caveat ? ` (${found.caveat})` : ''}`
    : 'install Chrome or Chromium (Debian/Ubuntu: `apt-get install -y chromium`)';
  return `${command}, or set CHROME_PATH to a Chrome or Chromium executable`;
}

/** No usable Chrome: says where it looked and how to fix it. Never a reason to skip. A usage
 *  error (exit 2): the machine lacks a tool the config asks for, and nothing was measured. */
export class ChromeNotFoundError extends BadInputError {
  override name = 'ChromeNotFoundError';
  constructor(
    readonly tried: string[],
    readonly chromePathEnv?: string,
    hint: string = chromeInstallHint(),
    /** Where it looked, in short; `tried` in full by default. */
    looked: string = tried.join(', '),
  ) {
    super(
      chromePathEnv !== undefined
        ? `CHROME_PATH is ${JSON.stringify(chromePathEnv)}, which is not an executable file; expected the path of a Chrome or Chromium executable (${hint})`
        : `Chrome was not found (looked at CHROME_PATH, unset, and ${looked}); ${hint}`,
    );
  }
}

export class ChromeLaunchError extends Error {
  override name = 'ChromeLaunchError';
  constructor(
    message: string,
    readonly path: string,
    /** The last lines Chrome wrote to stderr. */
    readonly stderr: string,
  ) {
    super(stderr ? `${message}\nChrome's stderr ends with:\n${stderr}` : message);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chrome to use: CHROME_PATH when set (and then it must be valid: a typo is an error, not a
 * silent fallback), else the first of CHROME_COMMANDS on PATH, else the first executable of
 * `candidates`.
 */
export function findChrome(
  options: { env?: NodeJS.ProcessEnv; candidates?: readonly string[]; system?: SystemFacts } = {},
): string {
  const env = options.env ?? process.env;
  const candidates = options.candidates ?? CHROME_CANDIDATES;
  const hint = () => chromeInstallHint(options.system);
  const fromEnv = env.CHROME_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new ChromeNotFoundError([fromEnv], fromEnv, hint());
  }
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .flatMap((dir) => CHROME_COMMANDS.map((name) => join(dir, name)));
  const tried = [...onPath, ...candidates];
  for (const path of tried) if (isExecutableFile(path)) return path;
  const looked = [
    ...(onPath.length > 0 ? [`${CHROME_COMMANDS.join(', ')} on PATH`] : []),
    ...candidates,
  ].join(', ');
  throw new ChromeNotFoundError(tried, undefined, hint(), looked);
}

/**
 * Flags for a quiet, reproducible headless Chrome that never reaches the internet on its own.
 * After chrome-launcher's DEFAULT_FLAGS (docs/chrome-flags-for-tools.md): without the networking
 * ones Chrome phones home (component updates, safe browsing, translate…), which both leaks
 * traffic and adds noise to the measurement.
 */
export const CHROME_FLAGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-component-extensions-with-background-pages',
  '--disable-client-side-phishing-detection',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  '--mute-audio',
  '--password-store=basic',
  '--use-mock-keychain',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater,AutofillServerCommunication,PrivacySandboxSettings4,RenderDocument',
  '--force-fieldtrials=*BackgroundTracing/default/',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-ipc-flooding-protection',
  '--disable-hang-monitor',
  '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
];

export interface Chrome {
  /** The DevTools port on 127.0.0.1, passed to every Lighthouse run. */
  port: number;
  /** Process id of Chrome, also the id of its process group. */
  pid: number;
  path: string;
  userDataDir: string;
  /** False once Chrome itself has exited (crashed or closed). */
  running(): boolean;
  /** The last lines Chrome wrote to stderr, to explain a failure. */
  stderrTail(): string;
  /** Kills Chrome's whole process group and removes its profile. Safe to call twice. */
  close(): Promise<void>;
}

export interface LaunchChromeOptions {
  path: string;
  signal?: AbortSignal;
  /** How long Chrome may take to print its DevTools address. */
  timeoutMs?: number;
  /** Extra flags after CHROME_FLAGS. */
  flags?: string[];
}

const DEVTOOLS_LINE = /DevTools listening on (ws:\/\/[^\s]+)/;
const STDERR_KEEP = 8 * 1024;
/** Chrome flushes its profile on SIGTERM within moments; SIGKILL after this. */
const CLOSE_GRACE_MS = 3_000;
const EXIT_EVENT_WAIT_MS = 2_000;

/**
 * Starts one headless Chrome in its own process group with a fresh profile and resolves once
 * its DevTools port is known (read from the `DevTools listening on ws://…` line on stderr).
 */
export async function launchChrome(options: LaunchChromeOptions): Promise<Chrome> {
  const { path, signal } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  signal?.throwIfAborted();
  const userDataDir = mkdtempSync(join(tmpdir(), 'perfgate-chrome-'));
  const args = [...CHROME_FLAGS, ...(options.flags ?? []), `--user-data-dir=${userDataDir}`];
  args.push('about:blank');
  // perfgate's own browser, yet it loads the PR's pages: no runner secrets, and the run's
  // cookie so that whatever it leaves is swept with the run.
  const child = spawn(path, args, {
    detached: true,
    env: childEnvironment(spawnMarks()),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  // Keep draining stderr for Chrome's whole life: a full pipe would block it.
  child.stderr!.setEncoding('utf8');
  // Kept for Chrome's life: an 'error' event without a listener would crash the process.
  child.on('error', () => {});
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });

  const stderrTail = () => stderr.trim().split('\n').slice(-20).join('\n');
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5 });
  const pid = child.pid;
  let closed: Promise<void> | undefined;
  // Registered so that Ctrl-C or an exit without close() still ends Chrome and its profile.
  const unregister = registerCleanup(() => close(), {
    ...(pid !== undefined ? { processGroup: pid } : {}),
    onExit: removeProfile,
  });
  const close = (): Promise<void> => {
    closed ??= (async () => {
      // Chrome's zygote, GPU and renderer processes share its group: one signal reaches all.
      if (pid !== undefined) await terminateProcessGroup(pid, CLOSE_GRACE_MS);
      // The group is gone; its leader's exit event follows within moments.
      await Promise.race([exited, sleep(EXIT_EVENT_WAIT_MS)]);
      removeProfile();
      unregister();
    })();
    return closed;
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`Chrome did not report its DevTools port within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onData = () => {
        const match = DEVTOOLS_LINE.exec(stderr);
        if (match) finish(undefined, Number(new URL(match[1]!).port));
      };
      const onError = (error: Error) =>
        finish(new Error(`Chrome could not be started: ${error.message}`));
      const onExitEarly = (code: number | null, sig: NodeJS.Signals | null) =>
        finish(new Error(`Chrome exited before it was ready (code ${code}, signal ${sig})`));
      const onAbort = () => finish(new Error('Chrome launch aborted'));
      function finish(error?: Error, value?: number) {
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        child.off('error', onError);
        child.off('exit', onExitEarly);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(value!);
      }
      child.stderr!.on('data', onData);
      child.on('error', onError);
      child.on('exit', onExitEarly);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    if (!Number.isInteger(port) || port <= 0) throw new Error('Chrome reported no usable port');
    // Aborting after launch closes Chrome too: the caller's run was cancelled.
    signal?.addEventListener('abort', () => void close(), { once: true });
    return {
      port,
      pid: pid!,
      path,
      userDataDir,
      running: () => child.exitCode === null && child.signalCode === null,
      stderrTail,
      close,
    };
  } catch (error) {
    await close();
    throw new ChromeLaunchError((error as Error).message, path, stderrTail());
  }
}
