import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StaticServer,
  StaticServerError,
  startStaticServer,
} from '../../src/workspace/static-server.js';

const outside = mkdtempSync(join(tmpdir(), 'perfgate-static-outside-'));
const root = join(outside, 'site');
const script = `console.log(${JSON.stringify('x'.repeat(2000))});\n`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as written (no URL normalisation on the way). */
function get(
  server: StaticServer,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The raw bytes of a whole response, headers included. */
function rawResponse(server: StaticServer, path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

let server: StaticServer;

beforeAll(async () => {
  mkdirSync(join(root, 'docs'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><p>home</p>\n');
  writeFileSync(join(root, 'app.js'), script);
  writeFileSync(join(root, 'style.css'), 'p{color:red}\n');
  writeFileSync(join(root, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(join(root, 'photo.webp'), Buffer.from([0x52, 0x49, 0x46, 0x46]));
  writeFileSync(join(root, 'data.bin'), Buffer.from([1, 2, 3]));
  writeFileSync(join(root, 'docs', 'index.html'), '<p>docs</p>\n');
  writeFileSync(join(root, 'a file.txt'), 'spaces\n');
  writeFileSync(join(outside, 'secret.txt'), 'top secret\n');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'leak.txt'));
  symlinkSync(outside, join(root, 'escape'));
  server = await startStaticServer(root);
});

afterAll(async () => {
  await server?.close();
  rmSync(outside, { recursive: true, force: true });
});

describe('startStaticServer', () => {
  it('listens on 127.0.0.1 and a free port', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('serves index.html for / and the files with their content types and lengths', async () => {
    const home = await get(server, '/');
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(home.body.toString()).toBe('<!doctype html><p>home</p>\n');
    const cases: Array<[string, string]> = [
      ['/app.js', 'text/javascript; charset=utf-8'],
      ['/style.css', 'text/css; charset=utf-8'],
      ['/logo.svg', 'image/svg+xml'],
      ['/photo.webp', 'image/webp'],
      ['/data.bin', 'application/octet-stream'],
      ['/a%20file.txt', 'text/plain; charset=utf-8'],
    ];
    for (const [path, type] of cases) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toBe(type);
      expect(Number(answer.headers['content-length']), path).toBe(answer.body.length);
    }
    expect((await get(server, '/app.js')).body.toString()).toBe(script);
  });

  it('does not compress unless asked, even when the client accepts gzip', async () => {
    const answer = await get(server, '/app.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body.length).toBe(Buffer.byteLength(script));
  });

  it('serves the same bytes every time (no Date header)', async () => {
    const first = await rawResponse(server, '/style.css');
    const second = await rawResponse(server, '/style.css');
    expect(first.equals(second)).toBe(true);
    expect(first.toString()).not.toMatch(/^date:/im);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(server, '/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(script));
    expect(head.body.length).toBe(0);
    const post = await get(server, '/app.js', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('redirects a directory without its slash and serves its index.html', async () => {
    const bare = await get(server, '/docs?x=1');
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe('/docs/');
    const docs = await get(server, '/docs/');
    expect(docs.status).toBe(200);
    expect(docs.body.toString()).toBe('<p>docs</p>\n');
  });

  it('answers 404 for missing files', async () => {
    expect((await get(server, '/missing.js')).status).toBe(404);
    expect((await get(server, '/docs/missing/')).status).toBe(404);
  });

  it('never serves a file outside the root', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/docs/../../secret.txt',
      '/%2e%2e%5csecret.txt',
      '/..\\secret.txt',
      '/%00/index.html',
      '/%E0%A4%A',
      '/leak.txt',
      '/escape/secret.txt',
      '//etc/passwd',
    ]) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(404);
      expect(answer.body.toString(), path).not.toContain('top secret');
    }
  });

  it('gzips text when asked and the client accepts it', async () => {
    const zipped = await startStaticServer(root, { compress: true });
    try {
      const js = await get(zipped, '/app.js', { headers: { 'accept-encoding': 'gzip' } });
      expect(js.headers['content-encoding']).toBe('gzip');
      expect(js.headers.vary).toBe('accept-encoding');
      expect(js.body.length).toBeLessThan(Buffer.byteLength(script) / 5);
      expect(gunzipSync(js.body).toString()).toBe(script);
      const plain = await get(zipped, '/app.js');
      expect(plain.headers['content-encoding']).toBeUndefined();
      const image = await get(zipped, '/photo.webp', { headers: { 'accept-encoding': 'gzip' } });
      expect(image.headers['content-encoding']).toBeUndefined();
    } finally {
      await zipped.close();
    }
  });

  it('refuses a root that does not exist or is a file, naming it', async () => {
    const missing = join(outside, 'no-such-dir');
    await expect(startStaticServer(missing)).rejects.toThrow(StaticServerError);
    await expect(startStaticServer(missing)).rejects.toThrow(
      `serve: the directory ${JSON.stringify(missing)} does not exist`,
    );
    await expect(startStaticServer(join(root, 'app.js'))).rejects.toThrow(/is not a directory/);
  });

  it('close() stops listening', async () => {
    const other = await startStaticServer(root);
    expect((await get(other, '/')).status).toBe(200);
    await other.close();
    await expect(get(other, '/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
