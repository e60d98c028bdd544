import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { CSP } from '../node/http/host';
import { handleAppProtocol, registerAppScheme, resolveAppRequest, serveAppRequest } from './protocol';

let base: string;
let root: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'madoguchi-proto-'));
  root = join(base, 'dist-renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>shell</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), 'do not serve');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveAppRequest', () => {
  it('serves files of the renderer and falls back to the shell for screen routes', () => {
    expect(resolveAppRequest('app://madoguchi/assets/app.js', root)).toEqual({ status: 200, file: join(root, 'assets', 'app.js'), type: 'text/javascript; charset=utf-8' });
    expect(resolveAppRequest('app://madoguchi/', root)).toMatchObject({ status: 200, file: join(root, 'index.html') });
    expect(resolveAppRequest('app://madoguchi/kiosk?terminal=k1', root)).toMatchObject({ status: 200, file: join(root, 'index.html') });
    expect(resolveAppRequest('app://madoguchi/assets/missing.js', root).status).toBe(404);
  });

  it.each([
    'app://madoguchi/..%2fsecret.txt',
    'app://madoguchi/%2e%2e%2fsecret.txt',
    'app://madoguchi/assets/..%2f..%2fsecret.txt',
    'app://madoguchi/..%5csecret.txt',
    'app://madoguchi/%252e%252e%252fsecret.txt',
    'app://madoguchi/index.html%00.js',
    'app://madoguchi/%E0%A4%A',
  ])('never leaves the renderer folder: %s', (url) => {
    const r = resolveAppRequest(url, root);
    if (r.status === 200) expect(r.file.startsWith(root)).toBe(true);
    else expect([403, 404]).toContain(r.status);
    expect(r.status === 200 && r.file.endsWith('secret.txt')).toBe(false);
  });

  it('answers only for app://madoguchi', () => {
    expect(resolveAppRequest('app://evil/index.html', root).status).toBe(404);
    expect(resolveAppRequest('https://madoguchi/index.html', root).status).toBe(404);
  });

  it('says so when the screens are not built', () => {
    expect(resolveAppRequest('app://madoguchi/', join(base, 'nothing-here'))).toMatchObject({ status: 503 });
  });
});

describe('serveAppRequest', () => {
  it('sends the strict CSP from browser mode with every answer', async () => {
    const ok = await serveAppRequest('app://madoguchi/', root);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toBe(CSP);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await ok.text()).toContain('<title>shell</title>');
    const denied = await serveAppRequest('app://madoguchi/..%2fsecret.txt', root);
    expect([403, 404]).toContain(denied.status);
    expect(await denied.text()).not.toContain('do not serve');
    expect(CSP).toContain("default-src 'self'");
    expect(CSP).not.toContain('unsafe-eval');
  });
});

describe('registration', () => {
  it('registers app:// as a secure standard scheme and handles it from the renderer folder', async () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const handle = vi.fn();
    handleAppProtocol({ handle }, root);
    expect(handle.mock.calls[0]![0]).toBe('app');
    const res = (await handle.mock.calls[0]![1]({ url: 'app://madoguchi/assets/app.js' })) as Response;
    expect(await res.text()).toBe('console.log(1)');
  });
});
