// A static file server on loopback for a built site (`serve: dist` of a lighthouse benchmark).
// Deliberately plain: no caching headers, no Date header and no compression unless asked, so the
// bytes a page costs are the bytes of its files and the same tree always serves the same bytes.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { createGzip } from 'node:zlib';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
};

/** Types worth gzipping when compression is on; images and fonts are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|manifest\+json|wasm)|image\/svg)/;

export class StaticServerError extends Error {
  override name = 'StaticServerError';
  constructor(
    message: string,
    readonly root: string,
  ) {
    super(message);
  }
}

export interface StaticServerOptions {
  /** gzip text responses when the client accepts it. Off by default. */
  compress?: boolean;
  /** Defaults to 127.0.0.1; the port is always chosen by the system. */
  host?: string;
}

export interface StaticServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  origin: string;
  port: number;
  root: string;
  close(): Promise<void>;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Maps a request path to a file under `root`, or null when it is not servable. Refuses anything
 * that resolves outside the root, by `..` segments, encoded separators or symbolic links.
 */
async function resolveFile(
  root: string,
  pathname: string,
): Promise<{ file: string } | { redirect: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  // join, not resolve(root, '.' + …): ncc's asset relocator rewrites that pattern into a path
  // inside dist/. `..` segments are normalised here and refused by the check below.
  const candidate = join(root, decoded.startsWith('/') ? decoded : `/${decoded}`);
  const rel = relative(root, candidate);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  let file = candidate;
  if (await isDirectory(file)) {
    // `/docs` → `/docs/`, so the page's relative URLs resolve as they will in production.
    if (!pathname.endsWith('/')) return { redirect: `${pathname}/` };
    file = join(file, 'index.html');
  }
  let real: string;
  try {
    real = await realpath(file);
    if (!(await stat(real)).isFile()) return null;
  } catch {
    return null;
  }
  if (real !== root && !real.startsWith(root + sep)) return null;
  return { file: real };
}

function send(res: ServerResponse, status: number, text: string, headers = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Serves `root` on 127.0.0.1 and a free port until close(). */
export async function startStaticServer(
  root: string,
  options: StaticServerOptions = {},
): Promise<StaticServer> {
  let realRoot: string;
  try {
    realRoot = await realpath(resolve(root));
  } catch {
    throw new StaticServerError(
      `serve: the directory ${JSON.stringify(root)} does not exist; expected the built site's directory (did the build run?)`,
      root,
    );
  }
  if (!(await isDirectory(realRoot))) {
    throw new StaticServerError(
      `serve: ${JSON.stringify(root)} is not a directory; expected the built site's directory`,
      root,
    );
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const found = await resolveFile(realRoot, pathname);
    if (found === null) {
      send(res, 404, 'not found\n');
      return;
    }
    if ('redirect' in found) {
      send(res, 301, 'moved\n', { location: found.redirect });
      return;
    }
    const type = CONTENT_TYPES[extname(found.file).toLowerCase()] ?? 'application/octet-stream';
    const gzip =
      options.compress === true &&
      COMPRESSIBLE.test(type) &&
      /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const headers: Record<string, string | number> = { 'content-type': type };
    if (gzip) {
      headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
    } else {
      headers['content-length'] = (await stat(found.file)).size;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(found.file);
    stream.on('error', () => res.destroy());
    if (gzip) stream.pipe(createGzip()).pipe(res);
    else stream.pipe(res);
  };

  const server = createServer((req, res) => {
    // A Date header would make two responses of the same file differ; nothing here needs it.
    res.sendDate = false;
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, options.host ?? '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    root: realRoot,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
