import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role } from '../../common/config/schema';
import { AppError, formatPath } from '../../common/errors';

/**
 * Staged rollout, decided per terminal: `rollout.json` beside latest.yml in the update folder.
 *   { "version": "1.4.0", "terminals": ["kiosk-east-1"], "roles": ["display"], "percent": 25 }
 * A terminal listed by id always takes the update; otherwise its role must be listed (when roles
 * are given) and it must fall in the first `percent` of a stable per-terminal bucket.
 * No rollout.json means: every terminal. `"hold": true` stops the rollout everywhere.
 */
export const rolloutSchema = z
  .object({
    /** The release this rollout is about; other versions are not held back by it. */
    version: z.string().min(1).optional(),
    terminals: z.array(z.string().min(1)).optional(),
    roles: z.array(z.enum(ROLES)).optional(),
    percent: z.number().min(0).max(100).optional(),
    hold: z.boolean().optional(),
  })
  .strict();
export type Rollout = z.infer<typeof rolloutSchema>;

export function parseRollout(raw: unknown, source = 'rollout.json'): Rollout {
  const r = rolloutSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('bad-config', `${source}: ${formatPath(i.path) || '(root)'}: ${i.message}`, { field: formatPath(i.path) });
  }
  return r.data;
}

/** 0–99, stable for a terminal and a version, spread evenly across terminals. */
export function rolloutBucket(terminalId: string, version: string): number {
  return createHash('sha256').update(`${terminalId}\0${version}`).digest().readUInt32BE(0) % 100;
}

export function rolloutDecision(r: Rollout | null, t: { terminalId: string; role: Role }, version: string): { take: boolean; reason: string } {
  if (!r) return { take: true, reason: 'no rollout.json: every terminal' };
  if (r.version !== undefined && r.version !== version) return { take: true, reason: `rollout.json is about ${r.version}, not ${version}` };
  if (r.hold) return { take: false, reason: 'rollout on hold' };
  if (r.terminals?.includes(t.terminalId)) return { take: true, reason: `terminal ${t.terminalId} is listed` };
  if (r.roles && !r.roles.includes(t.role)) return { take: false, reason: `role ${t.role} is not in ${r.roles.join(', ')}` };
  if (r.percent === undefined) {
    return r.roles ? { take: true, reason: `role ${t.role} is listed` } : { take: false, reason: 'terminal not listed' };
  }
  const bucket = rolloutBucket(t.terminalId, version);
  return bucket < r.percent ? { take: true, reason: `bucket ${bucket} < ${r.percent}%` } : { take: false, reason: `bucket ${bucket} ≥ ${r.percent}%` };
}

/** The largest rollout.json read (one listing thousands of terminals is a few hundred KB). */
export const MAX_ROLLOUT_BYTES = 1024 * 1024;

/**
 * Reads rollout.json from the update folder; 404 means no staging. Other failures hold the update,
 * among them an answer longer than MAX_ROLLOUT_BYTES (a wrong address serving a large file), which
 * is refused without being held in memory.
 */
export async function fetchRollout(folderUrl: string, fetchImpl: typeof fetch = fetch, timeoutMs = 10_000): Promise<Rollout | null> {
  const url = new URL('rollout.json', folderUrl.endsWith('/') ? folderUrl : `${folderUrl}/`);
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
  if (res.status === 404) return null;
  if (!res.ok) throw new AppError('unavailable', `${url.href} answered HTTP ${res.status}`);
  const text = await boundedText(res, url.href);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('bad-config', `${url.href} is not valid JSON`);
  }
  return parseRollout(raw, url.href);
}

async function boundedText(res: Response, href: string): Promise<string> {
  const tooLarge = (what: string) => new AppError('bad-config', `${href} is ${what}; rollout.json is at most ${MAX_ROLLOUT_BYTES} bytes`);
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_ROLLOUT_BYTES) {
    await res.body?.cancel();
    throw tooLarge(`${declared} bytes long`);
  }
  if (!res.body) return res.text();
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ROLLOUT_BYTES) {
      await reader.cancel();
      throw tooLarge('longer than that');
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}
