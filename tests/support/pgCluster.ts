import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster in a temp folder for the tests and the benchmark: initdb, then
 * pg_ctl start on a unix socket in that folder (no TCP port to collide with), removed by stop().
 * As root (CI), the server runs as the unprivileged `postgres` user, which owns the folder.
 */
export interface PgCluster {
  dir: string;
  /** A connection URL for a database of this cluster (default: postgres). */
  url(db?: string): string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut) and keeps its folder, as a database that goes away. */
  pause(): void;
  /** Starts it again on the same socket and port after pause(). */
  resume(): void;
  stop(): void;
}

/** The folder holding initdb and pg_ctl, or null when PostgreSQL is not installed here. */
export function postgresBinDir(): string | null {
  const fromEnv = process.env.MADOGUCHI_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(root, versions[0]!, 'bin');
  }
  const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  return dir && existsSync(join(dir, 'initdb')) ? dir : null;
}

/** One line for a suite that must skip: null when PostgreSQL can run here. */
export function postgresMissing(): string | null {
  if (postgresBinDir()) {
    if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root without a "postgres" user to run PostgreSQL as';
    return null;
  }
  return 'PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run does it)';
}

function ids(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export function startPgCluster(opts: { durable?: boolean; prefix?: string } = {}): PgCluster {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresMissing() ?? 'PostgreSQL not found');
  const owner = ids();
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'madoguchi-pg-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  mkdirSync(sock);
  if (owner) for (const p of [dir, sock]) chownSync(p, owner.uid, owner.gid);
  const run = (cmd: string, args: string[]) => {
    const full = owner ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const : [join(bin, cmd), args] as const;
    const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || r.error?.message || '').trim().slice(-1500)}`);
  };
  const port = 20_000 + Math.floor(Math.random() * 40_000);
  const start = (settings: string[]) => run('pg_ctl', ['-D', data, '-l', join(dir, 'postgres.log'), '-o', settings.join(' '), '-w', '-t', '60', 'start']);
  let started: string[] = [];
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const settings = [
      `-k ${sock}`,
      "-c listen_addresses=''",
      `-p ${port}`,
      '-c max_connections=200',
      '-c shared_buffers=64MB',
      // Tests kill sync-server processes, never the database: durability of the cluster itself is not what they prove.
      ...(opts.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ];
    started = settings;
    start(settings);
  } catch (e) {
    let log = '';
    try {
      log = readFileSync(join(dir, 'postgres.log'), 'utf8').slice(-1500);
    } catch {
      /* no log yet */
    }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}${log ? `\n${log}` : ''}`);
  }
  const url = (db = 'postgres') => `postgresql://postgres@localhost/${db}?host=${encodeURIComponent(sock)}&port=${port}`;
  let stopped = false;
  return {
    dir,
    url,
    async createDatabase(name: string) {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    pause() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume() {
      start(started);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
