import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isBuildFresh } from './site-freshness.ts';
import { type StaticServer, serveStatic } from './static-server.ts';

let root = '';
let server: StaticServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'odeon-docs-'));
  mkdirSync(join(root, 'site', 'guide'), { recursive: true });
  writeFileSync(join(root, 'site', 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'site', 'guide', 'ode.html'), '<h1>ode</h1>');
  writeFileSync(join(root, 'site', 'app.js'), 'export {};');
  writeFileSync(join(root, 'site', 'x.wasm'), 'wasm');
  writeFileSync(join(root, 'site', '404.html'), '<h1>not found</h1>');
  writeFileSync(join(root, 'secret.txt'), 'outside the site');
  server = await serveStatic(join(root, 'site'));
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('serveStatic', () => {
  test('serves clean URLs, directory indexes and the right content types', async () => {
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toBe('<h1>home</h1>');
    const page = await fetch(`${server.url}/guide/ode`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await fetch(`${server.url}/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${server.url}/x.wasm`)).headers.get('content-type')).toBe('application/wasm');
  });

  test('unknown paths get the 404 page with status 404, and nothing outside the root is served', async () => {
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('<h1>not found</h1>');
    const outside = await fetch(`${server.url}/..%2Fsecret.txt`);
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('outside the site');
  });
});

test('isBuildFresh: fresh only when the build is newer than every input', () => {
  const dist = join(root, 'site');
  const input = join(root, 'input');
  mkdirSync(join(input, 'generated'), { recursive: true });
  writeFileSync(join(input, 'page.md'), 'x');
  writeFileSync(join(input, 'generated', 'api.md'), 'x');
  const now = Date.now() / 1000;
  utimesSync(join(dist, 'index.html'), now, now);
  utimesSync(join(input, 'page.md'), now - 100, now - 100);
  utimesSync(join(input, 'generated', 'api.md'), now + 100, now + 100);
  expect(isBuildFresh(dist, [input])).toBe(false);
  expect(isBuildFresh(dist, [input], [join(input, 'generated')])).toBe(true);
  utimesSync(join(input, 'page.md'), now + 100, now + 100);
  expect(isBuildFresh(dist, [input], [join(input, 'generated')])).toBe(false);
  expect(isBuildFresh(join(root, 'missing'), [input])).toBe(false);
});
