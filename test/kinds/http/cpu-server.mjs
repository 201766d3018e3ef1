// A loopback HTTP server whose routes do known amounts of CPU work, for the server CPU metric.
// It listens on $PORT or an ephemeral port and prints `PORT <n>` once ready (as server.mjs).
//   /hash?units=N   N units of pure hashing (40 SHA-256 of 16 kB each, ~1 ms on the 2-core CI
//                   machine): twice the units, twice the work, little else
//   /json?times=N   N times JSON.stringify and parse of a ~50 kB object and a SHA-256 of the
//                   result: allocation-heavy, as real services are (garbage collection included)
//   /status         answers 200 at once
//   /usage          this process's CPU time so far (getrusage: all its threads), in µs (JSON)
import { createHash } from 'node:crypto';
import http from 'node:http';

const block = Buffer.alloc(16 * 1024, 7);
const document = {
  items: Array.from({ length: 400 }, (_, i) => ({
    id: i,
    name: `item ${i}`,
    tags: ['a', 'b', 'c'],
    price: i * 1.25,
    ok: i % 2 === 0,
    note: 'x'.repeat(40),
  })),
};

function hashUnits(units) {
  let digest = Buffer.alloc(32);
  for (let i = 0; i < units * 40; i++) {
    digest = createHash('sha256').update(block).update(digest).digest();
  }
  return digest.toString('hex');
}

function jsonTimes(times) {
  let out = '';
  for (let i = 0; i < times; i++) {
    const copy = JSON.parse(JSON.stringify(document));
    out = createHash('sha256').update(JSON.stringify(copy)).digest('hex');
  }
  return out;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const num = (name) => Number(url.searchParams.get(name) ?? 1);
  switch (url.pathname) {
    case '/hash':
      res.end(hashUnits(num('units')));
      return;
    case '/json':
      res.end(jsonTimes(num('times')));
      return;
    case '/status':
      res.end('ok');
      return;
    case '/usage': {
      const { user, system } = process.cpuUsage();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ us: user + system }));
      return;
    }
    default:
      res.statusCode = 404;
      res.end('not found');
  }
});

server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
