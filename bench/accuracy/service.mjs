// The service the accuracy bench measures: two routes whose every request does a fixed amount of
// CPU work. The head version multiplies the work of the routes named in SLOW_ROUTES by
// (1 + SHIFT), so its service time is shifted multiplicatively by a known amount.
//
// Why CPU work and not a timer: Node's timers have whole-millisecond resolution (libuv), so
// setTimeout(5 * 1.03) is setTimeout(5) and a 3% shift would vanish. Why an iteration count
// given from outside and not calibrated here: each process calibrating itself would give base
// and head different work for the same nominal service time, an A/A difference by design.
// The harness calibrates once and passes WORK_ITERS to both sides.
//
// Caveat: the shift applies to the work only. Parsing, routing and writing the response are the
// same on both sides, so the measured latency shift is somewhat below SHIFT (the harness reports
// the realized shift next to the nominal one). Under CPU contention the work stretches with
// the load on both sides alike, which keeps the shift multiplicative.
//
// Environment: PORT, HOST (from perfgate's startServer), WORK_ITERS (iterations per request),
// SHIFT (0.03 is +3%), SLOW_ROUTES (comma-separated route names, e.g. "slow").
import { createServer } from 'node:http';

const iters = Number(process.env.WORK_ITERS);
const shift = Number(process.env.SHIFT ?? '0');
if (!Number.isInteger(iters) || iters <= 0) {
  console.error(`WORK_ITERS must be a positive integer, got ${process.env.WORK_ITERS}`);
  process.exit(2);
}
if (!Number.isFinite(shift) || shift < 0) {
  console.error(`SHIFT must be a number ≥ 0, got ${process.env.SHIFT}`);
  process.exit(2);
}
const slow = new Set((process.env.SLOW_ROUTES ?? 'slow').split(',').filter(Boolean));
const routes = {
  slow: Math.round(iters * (slow.has('slow') ? 1 + shift : 1)),
  steady: Math.round(iters * (slow.has('steady') ? 1 + shift : 1)),
};

/** The work: a linear congruential generator, which the JIT cannot fold away because the result
 *  is sent back. The same function the harness calibrates (work.ts). */
function work(n) {
  let x = 1;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  return x;
}

const server = createServer((req, res) => {
  const route = req.url === undefined ? '' : req.url.slice(1).split('?')[0];
  if (route === 'health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  const n = routes[route];
  if (n === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  const body = String(work(n));
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
