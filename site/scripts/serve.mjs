// A small static file server for the built site: `npm start` serves site/dist with it, and the
// end-to-end tests start it on a free port.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** The built site's folder. */
export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** Maps a URL path to a file inside `root`, or undefined; never escapes `root`. */
export function resolveFile(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return undefined;
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(resolve(root))) return undefined;
  if (existsSync(file) && statSync(file).isDirectory()) {
    const index = join(file, 'index.html');
    return existsSync(index) ? index : undefined;
  }
  return existsSync(file) ? file : undefined;
}

/**
 * Serves `root` on 127.0.0.1. Resolves with the server and its base URL once listening.
 * @param {string} root
 * @param {number} port 0 picks a free port
 */
export function serve(root = DIST, port = 0) {
  const server = createServer((request, response) => {
    const urlPath = request.url ?? '/';
    const pathOnly = urlPath.split('?')[0];
    // Directory URLs without their trailing slash redirect, like most static hosts.
    if (!pathOnly.endsWith('/') && extname(pathOnly) === '' && resolveFile(root, `${pathOnly}/`)) {
      response.writeHead(301, { location: `${pathOnly}/${urlPath.slice(pathOnly.length)}` }).end();
      return;
    }
    const file = resolveFile(root, urlPath);
    if (!file) {
      const notFound = join(root, '404.html');
      response.writeHead(404, { 'content-type': TYPES['.html'] });
      if (existsSync(notFound)) createReadStream(notFound).pipe(response);
      else response.end('Not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePromise({ server, url: `http://127.0.0.1:${address.port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error('No built site in site/dist: run `npm run build -w @keel/site` first.');
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 4321);
  const { url } = await serve(DIST, port);
  console.log(`Keel pattern library: ${url}`);
  console.log('Press Ctrl+C to stop.');
}
