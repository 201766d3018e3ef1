// The embedded example service of `perfgate demo`: one small HTTP server in two versions.
// At head, /orders is made slower, /products faster and /users is unchanged, so the demo
// shows all three outcomes through the real pipeline.

interface RouteDelays {
  products: number;
  orders: number;
  users: number;
}

/** Milliseconds each route waits before answering, per version. */
export const DEMO_DELAYS: Record<'base' | 'head', RouteDelays> = {
  base: { products: 12, orders: 6, users: 6 },
  head: { products: 6, orders: 12, users: 6 },
};

export function demoServer(delays: RouteDelays): string {
  return `// perfgate demo service. Listens on $PORT.
import { createServer } from 'node:http';

const delays = ${JSON.stringify(delays)};
const items = Array.from({ length: 50 }, (_, i) => ({ id: i, name: 'item ' + i, price: i * 3 }));

function respond(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const route = new URL(req.url, 'http://localhost').pathname.slice(1);
  if (route === 'health') return respond(res, 200, { ok: true });
  if (!(route in delays)) return respond(res, 404, { error: 'not found' });
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    setTimeout(() => respond(res, 200, route === 'orders' ? { received: body.length } : items), delays[route]);
  });
});
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
}

export const DEMO_CONFIG = `# perfgate demo: three routes of one service, base vs head.
benchmarks:
  - name: shop
    type: http
    start: node server.mjs
    ready: /health
    connections: 8
    round-duration: 300ms
    requests:
      - { path: /products }
      - { path: /orders, method: POST, body: '{"id":1}', headers: { content-type: application/json } }
      - { path: /users }
gate:
  threshold: 5%
  alpha: 0.01
  time-budget: 75s
`;
