import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CSP } from '../../src-main/node/http/host';
import { tempDir } from '../support/tmp';
import { ROOT } from './it-support';

const { dir, cleanup } = tempDir('madoguchi-start-');
afterAll(cleanup);

describe('npm start where the Electron binary cannot be had', () => {
  it('says so in one line and serves browser mode on the demo data folder instead', async () => {
    const data = join(dir, 'data');
    const p = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), '--data', data, '--port', '0'], { cwd: ROOT, env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
    try {
      const deadline = Date.now() + 90_000;
      let m: RegExpExecArray | null = null;
      while (!(m = /Madoguchi browser mode: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out))) {
        if (p.exitCode !== null) throw new Error(`start exited early (${p.exitCode}):\n${out}\n${err}`);
        if (Date.now() > deadline) throw new Error(`browser mode did not start:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const lines = out.trim().split('\n');
      const electronLines = lines.filter((l) => /electron/i.test(l));
      expect(electronLines).toEqual([expect.stringMatching(/^Electron is not available here \(.+\); serving browser mode instead\.$/)]);
      expect(err).not.toMatch(/Downloading Electron|fetch failed/);
      expect(existsSync(join(data, 'config.json'))).toBe(true);
      const url = m[1]!;
      const health = await (await fetch(`${url}api/health`)).json();
      expect(health).toEqual({ ok: true, node: 'demo-hall' });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(CSP);
      expect(await page.text()).toMatch(/<html/i);
    } finally {
      p.kill('SIGTERM');
      await exited;
    }
  });
});
