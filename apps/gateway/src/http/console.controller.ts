import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Req, Res } from '@nestjs/common';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// The console talks to /graphql on the same origin and to nothing else; echarts sets inline styles.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

/**
 * The console's built assets (`vite build` of apps/console) at `/console`. A path that names no
 * file and has no extension is one of the console's own routes, so it gets index.html. The
 * folder is `SHUZHI_CONSOLE_DIR`, by default `dist/console` next to the gateway's compiled code.
 */
@Controller('console')
export class ConsoleController {
  private readonly root = resolve(process.env.SHUZHI_CONSOLE_DIR || fileURLToPath(new URL('../../../../console/', import.meta.url)));

  @Get()
  index(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    return this.serve('', request, response);
  }

  @Get('*path')
  asset(@Req() request: IncomingMessage, @Res() response: ServerResponse): Promise<void> {
    const pathname = new URL(request.url ?? '/', 'http://console').pathname;
    return this.serve(decodeURIComponent(pathname.replace(/^\/console\/?/, '')), request, response);
  }

  private async serve(relative: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const file = resolve(join(this.root, relative));
    if (file !== this.root && !file.startsWith(this.root + sep)) return notFound(response);
    const found = await stat(file).then((s) => s.isFile(), () => false);
    if (found) return send(response, file, request.method === 'HEAD');
    if (extname(relative) !== '') return notFound(response);
    const index = join(this.root, 'index.html');
    if (!(await stat(index).then((s) => s.isFile(), () => false))) {
      return notFound(response, `the console is not built in ${this.root}: run npm run build`);
    }
    return send(response, index, request.method === 'HEAD');
  }
}

const send = async (response: ServerResponse, file: string, headOnly: boolean): Promise<void> => {
  const body = await readFile(file);
  response.statusCode = 200;
  response.setHeader('content-type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  response.setHeader('content-length', body.length);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  // Vite names built assets by their content hash; index.html must always be fetched afresh.
  response.setHeader('cache-control', file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
  response.end(headOnly ? undefined : body);
};

const notFound = (response: ServerResponse, message = 'not found'): void => {
  response.statusCode = 404;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(message);
};
