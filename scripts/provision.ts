// What the test suite needs of the machine besides node_modules: Chromium (the Lighthouse kind's
// tests run the real browser) and git (every test repository is a real one). Found, or installed
// from the distribution's packages when this user may (root, or sudo without a password), or
// the one command that would install them, said before anything runs. scripts/test.mjs calls
// this first. Chrome is looked for exactly as perfgate looks for it (kinds/lighthouse/chrome.ts)
// and handed to the suite as CHROME_PATH, so what was found here is what the tests launch.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  aptInstallCommand,
  ChromeNotFoundError,
  chromiumPackage,
  findChrome,
  readSystemFacts,
  type SystemFacts,
} from '../src/kinds/lighthouse/chrome.js';

/** How this user may install packages: as root, through sudo without a password, or not. */
export type InstallRight = 'root' | 'sudo' | false;

export interface ProvisionOptions {
  env: NodeJS.ProcessEnv;
  /** Where Chrome is looked for besides CHROME_PATH and PATH (chrome.ts's list by default). */
  chromeCandidates?: readonly string[];
  /** The distribution and whether this is root; read from the machine by default. */
  system?: SystemFacts;
  /** The "can I install" probe; by default root, else `sudo -n true`, and apt-get on PATH. */
  canInstall?: (env: NodeJS.ProcessEnv) => InstallRight;
  /** false: never install, only say the command (`npm test -- --no-install`). */
  install?: boolean;
  log?: (line: string) => void;
}

export type Provisioned =
  | { ready: true; env: Record<string, string>; installed: string[] }
  | { ready: false; message: string; command?: string };

interface Need {
  what: string;
  /** Where it is, or why it cannot be used. */
  find(): { path: string } | { missing: string; fixable: boolean };
  /** Its Debian package on this distribution, if it has one. */
  packageOn(system: SystemFacts): string | undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A command's path on the env's PATH, or undefined. */
export function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function needs(o: ProvisionOptions, system: SystemFacts): Need[] {
  return [
    {
      what: 'Chromium',
      find() {
        try {
          const path = findChrome({
            env: o.env,
            system,
            ...(o.chromeCandidates ? { candidates: o.chromeCandidates } : {}),
          });
          return { path };
        } catch (error) {
          if (!(error instanceof ChromeNotFoundError)) throw error;
          // A CHROME_PATH that names nothing is the user's to fix: installing would not help.
          return { missing: error.message, fixable: error.chromePathEnv === undefined };
        }
      },
      packageOn: (s) => chromiumPackage(s)?.name,
    },
    {
      what: 'git',
      find() {
        const path = onPath('git', o.env);
        return path ? { path } : { missing: 'git was not found on PATH', fixable: true };
      },
      packageOn: (s) => (chromiumPackage(s) ? 'git' : undefined),
    },
  ];
}

export function defaultCanInstall(env: NodeJS.ProcessEnv): InstallRight {
  if (!onPath('apt-get', env)) return false;
  if (process.getuid?.() === 0) return 'root';
  if (!onPath('sudo', env)) return false;
  const probe = spawnSync('sudo', ['-n', 'true'], { env, stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0 ? 'sudo' : false;
}

/** What is missing, installed when it can be; never throws for a missing tool. */
export function provision(o: ProvisionOptions): Provisioned {
  const log = o.log ?? (() => {});
  const system = o.system ?? readSystemFacts();
  const all = needs(o, system);
  const look = () => all.map((need) => ({ need, found: need.find() }));
  let state = look();
  const missing = () => state.filter((s) => !('path' in s.found));
  const ready = (installed: string[]): Provisioned => {
    const chrome = state[0]!.found as { path: string };
    return { ready: true, env: { CHROME_PATH: chrome.path }, installed };
  };
  if (missing().length === 0) return ready([]);

  const lacking = missing();
  const reasons = lacking.map((s) => `- ${(s.found as { missing: string }).missing}`).join('\n');
  const heading = `The test suite needs ${lacking.map((s) => s.need.what).join(' and ')}, which this machine lacks; no test was run.\n${reasons}`;
  const packages = lacking.map((s) => s.need.packageOn(system));
  if (lacking.some((s) => !(s.found as { fixable: boolean }).fixable)) {
    return {
      ready: false,
      message: `${heading}\nFix CHROME_PATH, or unset it, and run npm test again.`,
    };
  }
  if (packages.some((p) => p === undefined)) {
    return {
      ready: false,
      message: `${heading}\nThis is not Debian or Ubuntu: install them with the system's package manager (or set CHROME_PATH to a Chrome or Chromium), then run npm test again.`,
    };
  }
  const names = packages as string[];
  const right = o.install === false ? false : (o.canInstall ?? defaultCanInstall)(o.env);
  const command = aptInstallCommand(names, right === 'root' || (right === false && system.root));
  const caveat = lacking.some((s) => s.need.what === 'Chromium')
    ? chromiumPackage(system)?.caveat
    : undefined;
  const them = lacking.length === 1 ? 'it' : 'them';
  const stop = (why: string): Provisioned => ({
    ready: false,
    command,
    message: `${heading}\n${why}\n\n    ${command}\n\nthen run npm test again.${caveat ? ` Note: ${caveat}.` : ''}`,
  });
  if (right === false) {
    return stop(
      o.install === false
        ? `Installing was turned off (--no-install). Install ${them} with:`
        : `Installing needs root or sudo without a password. Install ${them} with:`,
    );
  }

  log(`Installing ${names.join(', ')} from the distribution's packages: ${command}`);
  const run = spawnSync('/bin/sh', ['-c', command], {
    env: { ...o.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) {
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`
      .trim()
      .split('\n')
      .slice(-20)
      .join('\n');
    return stop(
      `Installing failed (${run.error ? run.error.message : `exit ${run.status}`}):\n${output}\nThe command was:`,
    );
  }
  state = look();
  if (missing().length > 0) {
    return stop(
      `The install command succeeded, yet ${missing()
        .map((s) => s.need.what)
        .join(' and ')} is still not found. The command was:`,
    );
  }
  return ready(names);
}
