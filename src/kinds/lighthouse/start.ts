// Starts a lighthouse benchmark against the run's one Chromium, launched for the first such
// benchmark and closed with the run.
import type { LighthouseBenchmarkConfig } from '../../model.js';
import type { KindRun, Started } from '../types.js';
import { type Chrome, findChrome, launchChrome } from './chrome.js';
import { loadLighthouse } from './loader.js';
import { createLighthouseProbe } from './probe.js';

const chromes = new WeakMap<KindRun, Promise<Chrome>>();

function chromeOf(run: KindRun): Promise<Chrome> {
  let chrome = chromes.get(run);
  if (!chrome) {
    chrome = launchChrome({ path: findChrome(), signal: run.signal }).then((launched) => {
      run.onDispose(() => launched.close());
      return launched;
    });
    chromes.set(run, chrome);
  }
  return chrome;
}

export async function startLighthouse(
  bench: LighthouseBenchmarkConfig,
  run: KindRun,
): Promise<Started> {
  const chrome = await chromeOf(run);
  const { lighthouse } = await loadLighthouse({ log: run.log });
  return { probe: createLighthouseProbe(bench, { trees: run.sides, chrome, lighthouse }) };
}
