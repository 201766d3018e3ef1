// A noisy neighbour: another tenant of the machine that burns CPU in random bursts, for the
// bench's `noisy` condition. Started before a trial and stopped (SIGTERM, by its pid) after it.
//
// It alternates bursts of BURST_MS (uniform in [lo, hi], default 100–800 ms) at 100% of one core
// with idle gaps of GAP_MS (default 200–1500 ms); with probability BOTH (default 0.2) a burst
// also takes a second core through a worker thread. Every draw comes from SEED, so two runs with
// one seed burst alike (their timing against the measurements still differs).
//
// Prints `ready` once running, and exits when its standard input ends (the harness holds it open,
// so a harness killed without stopping it does not leave it burning CPU). Environment: SEED (integer), BURST_MS "lo-hi", GAP_MS "lo-hi", BOTH (0..1).
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { seededRandom } from './service-work.mjs';

function spin(ms) {
  const end = performance.now() + ms;
  let x = 1;
  while (performance.now() < end) {
    for (let i = 0; i < 10_000; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  }
  return x;
}

if (!isMainThread) {
  parentPort.on('message', (ms) => {
    spin(ms);
  });
} else {
  process.on('SIGTERM', () => process.exit(0));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
  const range = (name, fallback) => {
    const text = process.env[name] ?? fallback;
    const m = /^(\d+)-(\d+)$/.exec(text);
    if (!m || Number(m[1]) > Number(m[2])) {
      console.error(`neighbour.mjs: ${name} must be "lo-hi" in ms with lo ≤ hi, got "${text}"`);
      process.exit(2);
    }
    return [Number(m[1]), Number(m[2])];
  };
  const seed = Number(process.env.SEED ?? '1');
  const [burstLo, burstHi] = range('BURST_MS', '100-800');
  const [gapLo, gapHi] = range('GAP_MS', '200-1500');
  const both = Number(process.env.BOTH ?? '0.2');
  if (!Number.isInteger(seed) || !(both >= 0 && both <= 1)) {
    console.error(`neighbour.mjs: SEED must be an integer and BOTH within [0, 1]`);
    process.exit(2);
  }
  const random = seededRandom(seed);
  const worker = new Worker(new URL(import.meta.url));
  const draw = (lo, hi) => lo + random() * (hi - lo);
  // Each step: a burst on the main thread (and perhaps the worker), then a gap. Timers between
  // steps so SIGTERM is handled promptly.
  const step = () => {
    const burst = draw(burstLo, burstHi);
    if (random() < both) worker.postMessage(burst);
    spin(burst);
    setTimeout(step, draw(gapLo, gapHi));
  };
  setTimeout(step, draw(gapLo, gapHi));
  // The harness waits for this line, so the trial starts with the neighbour running.
  worker.once('online', () => process.stdout.write('ready\n'));
}
