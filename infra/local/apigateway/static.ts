/** The built web UI (web/dist) served beside the API, with index.html for the client's own routes. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LocalResponse } from './event';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

async function fileResponse(file: string): Promise<LocalResponse> {
  const extension = path.extname(file);
  return {
    statusCode: 200,
    headers: {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      // Vite fingerprints assets; index.html must be fetched again to pick up a new build.
      'cache-control': extension === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
    },
    body: await readFile(file),
  };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The file under `webDir` for `pathname`, or undefined (also for any path that tries to leave `webDir`). */
export async function staticFile(webDir: string, pathname: string): Promise<LocalResponse | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const root = path.resolve(webDir);
  const file = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return undefined;
  if (await isFile(file)) return fileResponse(file);
  return undefined;
}

/** index.html for a client-side route (`/cases/C...` opened in the browser). */
export async function indexHtml(webDir: string): Promise<LocalResponse | undefined> {
  const file = path.join(webDir, 'index.html');
  return (await isFile(file)) ? fileResponse(file) : undefined;
}
