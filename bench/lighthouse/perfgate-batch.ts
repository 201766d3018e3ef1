// The perfgate side of one benchmark batch, run by run.ts in a fresh process as perfgate itself
// runs: bundled (esbuild here, ncc in dist/) with Lighthouse left external, then plain `node`.
// Imports Lighthouse, launches one Chromium, runs Lighthouse `runs` times against `url` with the
// probe's settings through it, closes Chromium, and prints the LCPs as one JSON line.
//
//   node <bundle> <url> <runs>
import { findChrome, launchChrome } from '../../src/kinds/lighthouse/chrome.js';
import { metricsOf } from '../../src/kinds/lighthouse/extract.js';
import { loadLighthouse } from '../../src/kinds/lighthouse/loader.js';
import { LIGHTHOUSE_FLAGS } from '../../src/kinds/lighthouse/probe.js';

const [url, runsText] = process.argv.slice(2);
const runs = Number(runsText);
if (url === undefined || !Number.isInteger(runs) || runs < 1) {
  throw new Error(
    `usage: perfgate-batch <url> <runs>, got ${JSON.stringify(process.argv.slice(2))}`,
  );
}

const { lighthouse } = await loadLighthouse();
const chrome = await launchChrome({ path: findChrome() });
const lcp: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const result = await lighthouse.default(
      url,
      { ...LIGHTHOUSE_FLAGS, port: chrome.port, hostname: '127.0.0.1' },
      lighthouse.desktopConfig,
    );
    if (!result || result.lhr.runtimeError) {
      throw new Error(`perfgate run failed: ${result?.lhr.runtimeError?.message}`);
    }
    lcp.push(metricsOf(result.lhr).lcp);
  }
} finally {
  await chrome.close();
}
process.stdout.write(`${JSON.stringify({ lcp })}\n`);
