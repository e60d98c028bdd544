import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, extname, resolve as resolve_ } from 'node:path';

/**
 * Checks a detached OpenPGP signature with gpgv against one keyring only (not the user's keys).
 * Linux packages carry no Authenticode: `npm run dist` writes <package>.asc with the city's key.
 */
export function verifyDetachedSignature(file: string, signature: string, keyring: string, gpgv = 'gpgv'): Promise<{ ok: boolean; signer?: string; message: string }> {
  return new Promise((resolve) => {
    const p = execFile(gpgv, ['--status-fd', '1', '--keyring', resolve_(keyring), signature, file], { timeout: 30_000 }, (err, stdout, stderr) => {
      const valid = /^\[GNUPG:\] VALIDSIG ([0-9A-F]+)/m.exec(stdout);
      const good = /^\[GNUPG:\] GOODSIG [0-9A-F]+ (.*)$/m.exec(stdout);
      if (!err && valid && good) resolve({ ok: true, signer: `${good[1]} (${valid[1]})`, message: 'good signature' });
      else resolve({ ok: false, message: (stderr || stdout || String(err)).trim().split('\n').slice(-2).join(' ') || 'signature check failed' });
    });
    p.on('error', () => undefined);
  });
}

export interface DownloadedInfo {
  version: string;
  downloadedFile: string;
  files?: Array<{ url: string }>;
}

/** Fetches <package>.asc from the update folder and checks the downloaded package against it. */
export async function verifyLinuxPackage(info: DownloadedInfo, folderUrl: string, keyring: string, fetchImpl: typeof fetch = fetch): Promise<{ ok: boolean; signer?: string; message: string }> {
  const ext = extname(info.downloadedFile);
  const names = [...new Set([basename(info.downloadedFile), ...(info.files ?? []).map((f) => basename(f.url)).filter((n) => extname(n) === ext)])];
  for (const name of names) {
    let res: Response;
    try {
      res = await fetchImpl(new URL(`${encodeURIComponent(name)}.asc`, folderUrl), { signal: AbortSignal.timeout(10_000), cache: 'no-store' });
    } catch (e) {
      return { ok: false, message: `cannot fetch ${name}.asc: ${(e as Error).message}` };
    }
    if (res.status === 404) continue;
    if (!res.ok) return { ok: false, message: `${name}.asc: HTTP ${res.status}` };
    const sig = `${info.downloadedFile}.asc`;
    writeFileSync(sig, Buffer.from(await res.arrayBuffer()));
    const r = await verifyDetachedSignature(info.downloadedFile, sig, keyring);
    return r.ok ? r : { ok: false, message: `bad signature on ${name}: ${r.message}` };
  }
  return { ok: false, message: `no signature (${names.map((n) => `${n}.asc`).join(', ')}) in the update folder` };
}
