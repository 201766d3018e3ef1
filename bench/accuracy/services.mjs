// The services the accuracy bench measures, as a user's server would be: started by perfgate
// (`start: node …/services.mjs`) in each tree, with what differs between base and head read from
// the tree itself (./service.json in its working directory), as a code change would be. Each has
// two routes, /slow (the one the head version changes) and /steady (never changed), and
// /health for `ready`.
//
//   loop  a calibrated CPU loop per request (the bench's original toy).
//   json  allocation-heavy: a JSON document of `units` records (~110 B each) built, serialised,
//         parsed back and hashed (sha256) per request.
//   io    I/O-bound: a simulated database wait drawn per request uniformly in [waitMs[0],
//         waitMs[1]] (a timer, so whole milliseconds), then the json work of `units` records to
//         build the response. "+X% more work" scales the CPU part only (the database does not
//         change with the pull request), so the latency of an idle route moves by about
//         X · cpu / (cpu + wait); under load the CPU queue makes it more.
//   tail  mixed with a heavy tail: the json work of `units` records, and on a cache miss (drawn
//         per request with probability missRate) missFactor times that.
//
// service.json: { service, units, shift, slowRoutes, seed, waitMs?, missRate?, missFactor? }.
// `units` is calibrated once by the harness and given to both sides: each process calibrating
// itself would give base and head different work for the same nominal service time, an A/A
// difference by design. The head's slowed routes do round(units · (1 + shift)).
//
// On SIGTERM (perfgate's stop) it writes ./service-stats.json: per route, the requests served
// and the CPU time of their synchronous work (process.cpuUsage around it), added to what the
// tree's earlier processes wrote (perfgate restarts servers), so the harness can report the
// realized CPU shift beside the nominal one, and the number of processes the tree has had.
//
// The per-request draws (io's wait, tail's misses) come from the seed and the process's place in
// its tree (the processes before it, from ./service-stats.json): each fresh process draws anew,
// as a real service's luck would, while a run stays reproducible from its seed. Every process of a
// side replaying one sequence would give that side the same draws after each restart, a
// difference between the sides that the restarts could not average out.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { jsonWork, loopWork, seededRandom } from './service-work.mjs';

function fail(message) {
  console.error(`services.mjs: ${message}`);
  process.exit(2);
}

let params;
try {
  params = JSON.parse(readFileSync('service.json', 'utf8'));
} catch (error) {
  fail(`cannot read ./service.json in ${process.cwd()}: ${error.message}`);
}
const { service, units, shift = 0, slowRoutes = ['slow'], seed = 1 } = params;
if (!['loop', 'json', 'io', 'tail'].includes(service)) {
  fail(`service must be loop, json, io or tail, got ${JSON.stringify(service)}`);
}
if (!Number.isInteger(units) || units <= 0) {
  fail(`units must be a positive integer, got ${JSON.stringify(units)}`);
}
if (!Number.isFinite(shift) || shift < 0) fail(`shift must be a number ≥ 0, got ${shift}`);
const [waitLo, waitHi] = params.waitMs ?? [3, 5];
const missRate = params.missRate ?? 0.03;
const missFactor = params.missFactor ?? 10;
if (!(waitLo >= 0 && waitHi >= waitLo)) fail(`waitMs must be [lo, hi] with 0 ≤ lo ≤ hi`);
if (!(missRate >= 0 && missRate <= 1)) fail(`missRate must be within [0, 1], got ${missRate}`);

const ROUTES = ['slow', 'steady'];
const slow = new Set(slowRoutes);
const routeUnits = Object.fromEntries(
  ROUTES.map((r) => [r, Math.round(units * (slow.has(r) ? 1 + shift : 1))]),
);
/** What the tree's earlier processes counted (perfgate restarts servers), or undefined. */
function earlierStats() {
  try {
    return JSON.parse(readFileSync('service-stats.json', 'utf8'));
  } catch {
    return undefined; // The first process of the tree.
  }
}
const generation = earlierStats()?.processes ?? 0;
const random = seededRandom((seed + Math.imul(generation, 0x9e3779b9)) >>> 0);
const stats = Object.fromEntries(ROUTES.map((r) => [r, { requests: 0, cpuMicros: 0 }]));

/** The route's synchronous work, its CPU time counted. */
function measured(route, work) {
  const before = process.cpuUsage();
  const body = work();
  const used = process.cpuUsage(before);
  stats[route].requests++;
  stats[route].cpuMicros += used.user + used.system;
  return body;
}

const handlers = {
  loop: (route, n, done) => done(measured(route, () => String(loopWork(n)))),
  json: (route, n, done) => done(measured(route, () => jsonWork(n))),
  io: (route, n, done) => {
    const wait = waitLo + random() * (waitHi - waitLo);
    setTimeout(() => done(measured(route, () => jsonWork(n))), wait);
  },
  tail: (route, n, done) => {
    const miss = random() < missRate;
    done(measured(route, () => jsonWork(miss ? n * missFactor : n)));
  },
};
const handle = handlers[service];

const server = createServer((req, res) => {
  const route = req.url === undefined ? '' : req.url.slice(1).split('?')[0];
  if (route === 'health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  const n = routeUnits[route];
  if (n === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  handle(route, n, (body) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
process.on('SIGTERM', () => {
  try {
    // Add this process's counts to those of the processes before it in the same tree.
    const before = earlierStats()?.stats ?? {};
    const total = Object.fromEntries(
      [...new Set([...Object.keys(before), ...Object.keys(stats)])].map((route) => [
        route,
        {
          requests: (before[route]?.requests ?? 0) + (stats[route]?.requests ?? 0),
          cpuMicros: (before[route]?.cpuMicros ?? 0) + (stats[route]?.cpuMicros ?? 0),
        },
      ]),
    );
    writeFileSync(
      'service-stats.json',
      JSON.stringify({ service, routeUnits, processes: generation + 1, stats: total }),
    );
  } finally {
    process.exit(0);
  }
});
