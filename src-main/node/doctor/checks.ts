import Database from 'better-sqlite3';
import { existsSync, readFileSync, promises as fsp } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TerminalConfig } from '../../common/config/schema';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, SKEW_THRESHOLD_MS } from '../../common/sync/protocol';
import { toErrorData } from '../../common/errors';
import { activeVersionOf } from '../../common/catalog/published';
import { businessDate } from '../../common/dates/businessDay';
import { checkDatabaseFile } from '../backup/backup';
import { checkCatalogDir, DEFAULT_CATALOG_DIR } from '../catalog/load';
import { migrations } from '../store/migrations';
import { openTransport } from '../printer/transport';
import { formsPrinterStatus } from '../forms/printerStatus';
import { resolveFormsSpec } from '../forms/printTarget';
import { parseRollout, rolloutDecision } from '../updates/rollout';
import { configPath, dbPath, openTerminal, readConfigFile, resolvePrinterSpec } from '../terminal/dataFolder';
import { announceActive } from '../catalog/refs';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the doctor's report: what was checked, what was found, what to do. */
export interface CheckResult {
  check: string;
  status: CheckStatus;
  message: string;
  /** What IT should do; absent when nothing. */
  fix?: string;
}

export interface DoctorOptions {
  configFile?: string;
  /** Time a printer has to answer DLE EOT (default 2000 ms). */
  printerTimeoutMs?: number;
  /** Time the sync server has to answer (default 3000 ms). */
  httpTimeoutMs?: number;
  /** Below this much free space the disk check fails (default 200 MB) … */
  minFreeBytes?: number;
  /** … and below this it warns (default 1 GB). */
  warnFreeBytes?: number;
  clock?: () => number;
  /**
   * Say in the log which catalog version this terminal serves (`catalog.activated`) when that
   * changed since it last said so (a version's date came while no app ran): the CLI's `doctor`.
   * Only on a sound database at this app's schema (doctor never migrates).
   */
  recordCatalog?: boolean;
  /** Which installer feed the updates check reads (default: this machine's). */
  platform?: NodeJS.Platform;
}

/** Runs every check; never throws for a problem it finds (that is a `fail` line). */
export async function runDoctor(dataDir: string, opts: DoctorOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const file = opts.configFile ?? configPath(dataDir);
  let config: TerminalConfig | undefined;
  try {
    config = readConfigFile(file);
    const t = config.terminals.map((x) => `${x.id} (${x.role})`).join(', ');
    results.push({ check: 'config', status: 'ok', message: `${file} is valid: node ${config.node.id}, site ${config.site}, terminals ${t}` });
  } catch (e) {
    const d = toErrorData(e);
    results.push({
      check: 'config',
      status: 'fail',
      message: `${d.message}`,
      fix: existsSync(file)
        ? `fix ${d.field ? `the field "${d.field}" in ` : ''}${file}, or write it again with "madoguchi terminal init --force …" or "madoguchi terminal pull-config --from <central folder>"`
        : `set this terminal up with "madoguchi terminal init --data ${dataDir} --role … --terminal …"`,
    });
  }
  results.push(catalogCheck());
  const database = databaseCheck(dataDir);
  results.push(database);
  const switched = config && opts.recordCatalog && database.status === 'ok' ? announceCatalog(dataDir, opts) : undefined;
  if (config) {
    const c = catalogVersionCheck(dataDir, config, opts);
    results.push(switched ? { ...c, message: `${c.message}; ${switched}` } : c);
  }
  const [printers, sync, updates, disk] = await Promise.all([
    config ? printerChecks(config, dataDir, opts.printerTimeoutMs ?? 2000) : Promise.resolve([skipped('printers')]),
    config ? syncChecks(config, opts, dataDir) : Promise.resolve([skipped('sync'), skipped('clock')]),
    config ? updatesCheck(config, opts) : Promise.resolve(skipped('updates')),
    diskCheck(dataDir, opts),
  ]);
  results.push(...printers, ...sync, updates, disk);
  return results;
}

function skipped(check: string): CheckResult {
  return { check, status: 'fail', message: 'not checked: the config is not valid', fix: 'fix the config first (see the config line)' };
}

function catalogCheck(): CheckResult {
  try {
    const issues = checkCatalogDir();
    if (issues.length === 0) return { check: 'catalog', status: 'ok', message: `procedure catalog in ${DEFAULT_CATALOG_DIR} is valid` };
    const first = issues[0]!;
    return {
      check: 'catalog',
      status: 'fail',
      message: `${issues.length} problem(s) in the procedure catalog, first: ${first.file} ${first.path}: ${first.reason}`,
      fix: 'run "madoguchi catalog check" for the full list; reinstall the app if its shipped catalog is damaged',
    };
  } catch (e) {
    return { check: 'catalog', status: 'fail', message: `the catalog could not be read: ${toErrorData(e).message}`, fix: 'reinstall the app' };
  }
}

/**
 * The published catalog version this terminal serves (issue 19), read without opening the store
 * for writing: which version, since when, what waits for its date, what is kept out and why, and
 * (on a terminal that pulls them) the terminals still serving an older version.
 */
function catalogVersionCheck(dataDir: string, config: TerminalConfig, opts: DoctorOptions): CheckResult {
  const check = 'catalog version';
  const file = dbPath(dataDir);
  if (!existsSync(file)) return { check, status: 'ok', message: 'no database yet: the base catalog serves until a version is published' };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog_versions'").get();
    if (!has) return { check, status: 'ok', message: 'version 0 (the base catalog); the app records published versions after its next start' };
    const rows = db.prepare('SELECT version, hlc, effective, problem, hash, reason, published_at AS at FROM catalog_versions ORDER BY version, hlc').all() as Array<{ version: number; hlc: string; effective: string; problem: string | null; hash: string; reason: string; at: string }>;
    const today = businessDate((opts.clock ?? Date.now)(), config.timeZone);
    const active = activeVersionOf(rows, today);
    const v = active?.version ?? 0;
    const parts = [active ? `version ${v} active since ${active.effective} (hash ${active.hash.slice(0, 12)}…, "${active.reason}")` : 'version 0 (the base catalog: no version published yet)'];
    const pending = rows.filter((r) => r.problem === null && r.version > v).pop();
    if (pending) parts.push(`version ${pending.version} takes effect ${pending.effective}`);
    const behind = (db.prepare('SELECT terminal, version FROM catalog_terminals WHERE version < ? AND terminal != ? ORDER BY terminal').all(v, config.node.id) as Array<{ terminal: string; version: number }>).map((r) => `${r.terminal} (v${r.version})`);
    if (behind.length) parts.push(`terminals behind: ${behind.join(', ')}`);
    const refused = rows.filter((r) => r.problem !== null && r.version > v).pop();
    if (refused) {
      return {
        check,
        status: 'warn',
        message: `${parts.join('; ')}; version ${refused.version} is KEPT OUT: ${refused.problem}`,
        fix: `version ${v} keeps serving. Publish a corrected catalog from the admin terminal ("madoguchi catalog publish"), or update this terminal's app if the version needs a newer one`,
      };
    }
    return { check, status: behind.length ? 'warn' : 'ok', message: parts.join('; '), ...(behind.length ? { fix: 'the terminals behind have not synced since the version took effect: check their sync line in their own doctor' } : {}) };
  } catch (e) {
    return { check, status: 'fail', message: `cannot read the catalog versions: ${toErrorData(e).message}` };
  } finally {
    db?.close();
  }
}

/** Records `catalog.activated` when the served version changed; what it said, or undefined (nothing new, or not safe to write). */
function announceCatalog(dataDir: string, opts: DoctorOptions): string | undefined {
  let schema = 0;
  try {
    const db = new Database(dbPath(dataDir), { readonly: true, fileMustExist: true });
    try {
      schema = db.pragma('user_version', { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
  if (schema !== migrations.length) return undefined;
  try {
    const t = openTerminal(dataDir, { ...(opts.configFile ? { configFile: opts.configFile } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
    try {
      const a = announceActive(t);
      return a.recorded ? `recorded that this terminal now serves version ${a.version} (catalog.activated)` : undefined;
    } finally {
      t.close();
    }
  } catch {
    return undefined; // the catalog version line says what is wrong
  }
}

function databaseCheck(dataDir: string): CheckResult {
  const file = dbPath(dataDir);
  if (!existsSync(file)) return { check: 'database', status: 'ok', message: `no database yet at ${file}; the app creates it at first start` };
  const r = checkDatabaseFile(file);
  const restore = `restore the latest backup: "madoguchi restore --data ${dataDir} --from <backup file>" (backups are in ${dataDir}/backups)`;
  if (!r.ok) return { check: 'database', status: 'fail', message: `${file} failed its integrity check: ${r.problems.slice(0, 3).join('; ')}`, fix: restore };
  const latest = migrations.length;
  const v = r.userVersion ?? 0;
  if (v > latest) {
    return { check: 'database', status: 'fail', message: `${file} has schema ${v}, newer than this app's ${latest}`, fix: 'install the newer Madoguchi version on this terminal, or restore a backup made by this version' };
  }
  if (r.events === null) return { check: 'database', status: 'fail', message: `${file} passes integrity_check but has no event log: it is not a Madoguchi database`, fix: restore };
  const mig = v === latest ? `migrations up to date (schema ${v})` : `schema ${v}; the app will migrate it to ${latest} at next start`;
  return { check: 'database', status: 'ok', message: `${file}: integrity ok, ${r.events} events, ${mig}` };
}

const PRINTER_FIX: Record<string, string> = {
  'no-answer': 'the port opens but the printer does not answer: check that it is switched on, the cable, and the baud rate in the spec (e.g. serial:COM3?baud=38400)',
  unreachable: 'the port or address cannot be opened: check the port name / IP address in the config, the USB-serial driver, and that no other program holds the port',
  offline: 'the printer reports a problem: close the cover, load paper, clear the jam, then check again',
};

async function printerChecks(config: TerminalConfig, dataDir: string, timeoutMs: number): Promise<CheckResult[]> {
  // Ticket printers speak ESC/POS; forms printers (printers.forms and each form's own in formPrinters) are
  // dot-matrix (escp:…), a CUPS queue or a folder. One line per printer, naming everyone who uses it.
  const seen = new Map<string, { users: string[]; forms: boolean }>();
  const use = (spec: string, user: string, forms: boolean) => {
    const key = `${forms ? 'forms' : 'ticket'} ${forms ? resolveFormsSpec(spec, dataDir) : spec}`;
    const e = seen.get(key) ?? { users: [], forms };
    e.users.push(user);
    seen.set(key, e);
  };
  for (const t of config.terminals) {
    for (const [kind, spec] of Object.entries(t.printers)) if (spec) use(spec, `${t.id} ${kind}`, kind === 'forms');
    for (const [form, r] of Object.entries(t.formPrinters ?? {})) use(r.printer, `${t.id} ${form} (${r.mode})`, true);
  }
  if (seen.size === 0) return [{ check: 'printers', status: 'ok', message: 'no printers configured for this terminal' }];
  return Promise.all(
    [...seen].map(async ([key, { users, forms }]): Promise<CheckResult> => {
      const spec = key.slice(key.indexOf(' ') + 1);
      const check = `printer ${users.join(', ')}`;
      if (forms) return formsPrinterCheck(check, spec, timeoutMs);
      let transport;
      try {
        transport = openTransport(resolvePrinterSpec(spec, dataDir));
      } catch (e) {
        return { check, status: 'fail', message: `${spec}: ${toErrorData(e).message}`, fix: 'correct the printer spec with "madoguchi terminal init --force --printer …"' };
      }
      try {
        const st = await transport.status(timeoutMs);
        if (st.state === 'online') {
          const near = st.paper === 'near-end';
          return { check, status: near ? 'warn' : 'ok', message: `${transport.name}: ${st.summary}`, ...(near ? { fix: 'load a new paper roll soon' } : {}) };
        }
        const fix = transport.spec.kind === 'file' ? `create the folder ${transport.spec.dir} and let the app's user write to it, or correct the printer spec` : (PRINTER_FIX[st.state] ?? PRINTER_FIX.offline!);
        return { check, status: 'fail', message: `${transport.name}: ${st.summary}`, fix };
      } finally {
        await transport.close().catch(() => undefined);
      }
    }),
  );
}

/** A forms printer: reachable, and as ready as it can tell (ESC/P status, the CUPS queue's state, a writable folder). */
async function formsPrinterCheck(check: string, spec: string, timeoutMs: number): Promise<CheckResult> {
  let r;
  try {
    r = await formsPrinterStatus(spec, timeoutMs);
  } catch (e) {
    return { check, status: 'fail', message: `${spec}: ${toErrorData(e).message}`, fix: 'correct the forms printer in config.json (printers.forms or formPrinters.<form>.printer)' };
  }
  const st = r.status;
  const message = `${r.name}: ${st.summary}`;
  if (st.state === 'online') return { check, status: 'ok', message };
  const cups = /^(cups|lp):/i.test(spec);
  if (st.state === 'no-answer') {
    return {
      check,
      status: 'warn',
      message: r.language === 'escp' ? `${message}; the port opens, but the printer does not report its paper and cover` : message,
      fix: r.language === 'escp' ? 'a dot-matrix printer without two-way status shows paper and cover only on its panel: check that it is on, online and loaded with forms; if it should answer, check the cable and the baud rate' : 'check the printer from its own spooler',
    };
  }
  if (st.state === 'unreachable') {
    const fix = cups
      ? 'start CUPS (systemctl start cups) and check the queue name with "lpstat -p"; add the queue with the printer maker\'s driver if it is missing'
      : /^escp:serial:/i.test(spec)
        ? 'plug the USB-serial cable in, or correct the port in the printer spec (e.g. escp:serial:/dev/ttyUSB1?baud=9600)'
        : /^escp:usb:/i.test(spec)
          ? 'check the USB cable and the vendor:product ids (lsusb); on Linux give the app\'s user access with a udev rule, or use the maker\'s virtual COM port driver and escp:serial:'
          : /^escp:tcp:/i.test(spec)
            ? 'check that the printer is on, its IP address in the printer spec, and the network between this PC and it'
            : 'create the folder and let the app\'s user write to it, or correct the printer spec';
    return { check, status: 'fail', message, fix };
  }
  const fix = st.paper === 'out'
    ? `load forms${cups ? `, then resume the queue: cupsenable ${spec.slice(spec.indexOf(':') + 1)}` : ' (continuous forms: to the top-of-form position) and put the printer online'}`
    : st.coverOpen
      ? 'close the printer cover'
      : cups
        ? `fix the printer, then resume the queue: cupsenable ${spec.slice(spec.indexOf(':') + 1)} (and cupsaccept if it refuses jobs)`
        : 'clear the error on the printer (paper jam, paused on the panel) and put it online';
  return { check, status: 'fail', message, fix };
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  sentAt: number;
  receivedAt: number;
}

/** The most of an answer the checks read: health, a token check, latest.yml and rollout.json are all far smaller. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * One GET, its answer read whole (rollout.json is parsed as the updater parses it, so it must not
 * be cut short) up to MAX_ANSWER_BYTES; a longer one (a wrong address serving a large file, an
 * endless stream) is refused and its connection closed, so the check ends.
 */
function httpGet(url: URL, headers: Record<string, string>, timeoutMs: number, clock: () => number, ca?: Buffer): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const sentAt = clock();
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers, timeout: timeoutMs, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) {
          res.destroy();
          reject(new Error(`${url.href} answered with more than ${MAX_ANSWER_BYTES} bytes`));
        } else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), sentAt, receivedAt: clock() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function serverTime(a: HttpAnswer): number | undefined {
  try {
    const j = JSON.parse(a.body) as Record<string, unknown>;
    for (const k of ['serverNow', 'now', 'time']) {
      const v = j[k];
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
    }
  } catch {
    /* not JSON: fall back to the Date header */
  }
  const d = a.headers.date;
  return typeof d === 'string' && !Number.isNaN(Date.parse(d)) ? Date.parse(d) : undefined;
}

/** Events sync set aside on this terminal (migration 8); 0 when the table is not there yet. */
function quarantinedEvents(dataDir: string): number {
  const file = dbPath(dataDir);
  if (!existsSync(file)) return 0;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5_000 });
    return (db.prepare('SELECT COUNT(*) AS n FROM sync_quarantine').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

async function syncChecks(config: TerminalConfig, opts: DoctorOptions, dataDir: string): Promise<CheckResult[]> {
  const [result, clock] = await syncReachable(config, opts, dataDir);
  const q = quarantinedEvents(dataDir);
  if (q > 0 && result.status !== 'fail') {
    return [
      {
        check: 'sync',
        status: 'warn',
        message: `${result.message}; ${q} event(s) set aside in quarantine (sync carries on with the rest)`,
        fix: `see them with "madoguchi sync quarantine list --data ${dataDir}"; once understood (and the server repaired with "sync-server check-events"/"purge-event"), remove them with "madoguchi sync quarantine drop --data ${dataDir} --all"`,
      },
      clock,
    ];
  }
  return [result, clock];
}

async function syncReachable(config: TerminalConfig, opts: DoctorOptions, dataDir: string): Promise<[CheckResult, CheckResult]> {
  if (!config.sync) {
    return [
      { check: 'sync', status: 'ok', message: 'not configured: this terminal works stand-alone' },
      { check: 'clock', status: 'ok', message: 'not configured: no sync server to compare the clock with' },
    ];
  }
  const clock = opts.clock ?? Date.now;
  const timeout = opts.httpTimeoutMs ?? 3000;
  const base = config.sync.server.endsWith('/') ? config.sync.server : `${config.sync.server}/`;
  let ca: Buffer | undefined;
  try {
    ca = config.sync.ca ? readFileSync(isAbsolute(config.sync.ca) ? config.sync.ca : join(dataDir, config.sync.ca)) : undefined;
  } catch (e) {
    return [
      { check: 'sync', status: 'fail', message: `cannot read the sync server's certificate ${config.sync.ca}: ${(e as Error).message}`, fix: 'copy the sync server\'s certificate (DIR/tls/sync-server.crt on the server) to this terminal and set sync.ca to it' },
      { check: 'clock', status: 'fail', message: 'not checked: the sync server cannot be reached', fix: 'fix the sync line first' },
    ];
  }
  let health: HttpAnswer;
  try {
    health = await httpGet(new URL('health', base), {}, timeout, clock, ca);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return [
      {
        check: 'sync',
        status: 'fail',
        message: `cannot reach the sync server ${config.sync.server}: ${why}`,
        fix: 'check that the sync service runs on the server, the address and port in config.json (sync.server), and the firewall between this PC and the server. The terminal keeps working offline meanwhile.',
      },
      { check: 'clock', status: 'fail', message: 'not checked: the sync server cannot be reached', fix: 'fix the sync line first' },
    ];
  }
  if (health.status !== 200) {
    return [
      { check: 'sync', status: 'fail', message: `${config.sync.server}health answered HTTP ${health.status}, not 200`, fix: 'sync.server must be the sync service\'s address (http://HOST:PORT/); check the service log on the server' },
      clockCheck(health),
    ];
  }
  let auth: HttpAnswer;
  try {
    const url = new URL('sync/pull', base);
    url.searchParams.set('protocol', String(PROTOCOL_VERSION));
    url.searchParams.set('vv', '{}');
    url.searchParams.set('limit', '1');
    auth = await httpGet(url, { authorization: `Bearer ${config.sync.token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) }, timeout, clock, ca);
  } catch (e) {
    return [{ check: 'sync', status: 'fail', message: `the sync server stopped answering during the token check: ${(e as Error).message}`, fix: 'check the sync service on the server' }, clockCheck(health)];
  }
  let result: CheckResult;
  if (auth.status === 401 || auth.status === 403) {
    result = {
      check: 'sync',
      status: 'fail',
      message: `the sync server ${config.sync.server} refused this terminal's token (HTTP ${auth.status})`,
      fix: 'enrol the terminal on the sync server again and put the new token in config.json (sync.token), e.g. "madoguchi terminal init --force … --server URL --token T"',
    };
  } else if (auth.status === 426) {
    result = { check: 'sync', status: 'fail', message: `the sync server speaks another protocol version (HTTP 426)`, fix: 'update this terminal or the sync server so both run the same Madoguchi version' };
  } else if (auth.status >= 200 && auth.status < 300) {
    result = { check: 'sync', status: 'ok', message: `sync server ${config.sync.server} reached and the token is accepted` };
  } else {
    result = { check: 'sync', status: 'fail', message: `the sync server answered the token check with HTTP ${auth.status}: ${auth.body.slice(0, 200)}`, fix: 'check the sync service log on the server' };
  }
  return [result, clockCheck(auth.status >= 200 && auth.status < 300 ? auth : health)];
}

function clockCheck(a: HttpAnswer): CheckResult {
  const remote = serverTime(a);
  if (remote === undefined) return { check: 'clock', status: 'warn', message: 'the sync server did not say its time; clock skew not measured', fix: 'update the sync server' };
  // The server read its clock somewhere between sending and receiving: compare with the midpoint.
  const skew = Math.round(remote - (a.sentAt + a.receivedAt) / 2);
  const secs = (Math.abs(skew) / 1000).toFixed(1);
  if (Math.abs(skew) > SKEW_THRESHOLD_MS) {
    return {
      check: 'clock',
      status: 'fail',
      message: `this PC's clock is ${secs} s ${skew > 0 ? 'behind' : 'ahead of'} the sync server's`,
      fix: 'set the PC to the city\'s time server (Windows: w32tm /resync; Linux: timedatectl set-ntp true); ticket times and reports depend on it',
    };
  }
  return { check: 'clock', status: 'ok', message: `clock within ${secs} s of the sync server` };
}

/**
 * What the app's updater will find: the update folder, the latest release in it, and whether
 * rollout.json lets this terminal take it (an unreadable rollout.json holds every terminal).
 */
async function updatesCheck(config: TerminalConfig, opts: DoctorOptions): Promise<CheckResult> {
  const u = config.updates;
  if (!u) return { check: 'updates', status: 'ok', message: 'not configured: this terminal is updated by hand' };
  if (!u.enabled) return { check: 'updates', status: 'ok', message: 'switched off in config.json (updates.enabled is false)' };
  const platform = opts.platform ?? process.platform;
  if (platform === 'linux' && (!u.gpgKeyring || !existsSync(u.gpgKeyring))) {
    return {
      check: 'updates',
      status: 'fail',
      message: u.gpgKeyring ? `the update signing keyring ${u.gpgKeyring} does not exist` : 'updates are on but updates.gpgKeyring is not set, so the app will not install any update',
      fix: 'put the public keyring of the key that signs the packages on this PC and set updates.gpgKeyring to its path',
    };
  }
  if (platform === 'win32' && !u.publisherName?.length) {
    return { check: 'updates', status: 'warn', message: 'updates.publisherName is not set: the app updates only if its own build names a publisher', fix: 'set updates.publisherName to the signing certificate\'s subject name' };
  }
  const clock = opts.clock ?? Date.now;
  const timeout = opts.httpTimeoutMs ?? 3000;
  const base = u.url.endsWith('/') ? u.url : `${u.url}/`;
  const feed = platform === 'linux' ? 'latest-linux.yml' : 'latest.yml';
  let latest: HttpAnswer;
  try {
    latest = await httpGet(new URL(feed, base), {}, timeout, clock);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { check: 'updates', status: 'fail', message: `cannot reach the update folder ${base}: ${why}`, fix: 'check the web server that serves the update folder and updates.url in config.json' };
  }
  if (latest.status === 404) return { check: 'updates', status: 'warn', message: `the update folder ${base} has no ${feed} yet`, fix: 'copy a release (latest.yml / latest-linux.yml and the installers) into it' };
  if (latest.status !== 200) return { check: 'updates', status: 'fail', message: `${base}${feed} answered HTTP ${latest.status}`, fix: 'check the web server that serves the update folder' };
  const version = /^version:\s*['"]?([^'"\s]+)/m.exec(latest.body)?.[1];
  if (!version) return { check: 'updates', status: 'fail', message: `${base}${feed} names no version`, fix: 'copy the release files from release/ again, unchanged' };
  let rollout: HttpAnswer;
  try {
    rollout = await httpGet(new URL('rollout.json', base), {}, timeout, clock);
  } catch (e) {
    return { check: 'updates', status: 'fail', message: `cannot read ${base}rollout.json: ${(e as Error).message}`, fix: 'check the web server that serves the update folder' };
  }
  let decision = { take: true, reason: 'no rollout.json: every terminal' };
  if (rollout.status !== 404) {
    try {
      if (rollout.status !== 200) throw new Error(`HTTP ${rollout.status}`);
      let raw: unknown;
      try {
        raw = JSON.parse(rollout.body);
      } catch {
        throw new Error('not valid JSON');
      }
      const t = config.terminals[0]!;
      decision = rolloutDecision(parseRollout(raw, 'rollout.json'), { terminalId: t.id, role: t.role }, version);
    } catch (e) {
      return { check: 'updates', status: 'fail', message: `${base}rollout.json cannot be used (${(e as Error).message}): every terminal holds the update`, fix: 'fix or remove rollout.json in the update folder' };
    }
  }
  return { check: 'updates', status: 'ok', message: `update folder ${base}: latest ${version}; ${decision.take ? 'this terminal takes it' : 'this terminal waits'} (${decision.reason})` };
}

async function diskCheck(dataDir: string, opts: DoctorOptions): Promise<CheckResult> {
  const min = opts.minFreeBytes ?? 200 * 1024 * 1024;
  const warn = opts.warnFreeBytes ?? 1024 * 1024 * 1024;
  try {
    const target = existsSync(dataDir) ? dataDir : '.';
    const s = await fsp.statfs(target);
    const free = s.bavail * s.bsize;
    const mb = Math.floor(free / (1024 * 1024));
    if (free < min) return { check: 'disk', status: 'fail', message: `only ${mb} MB free for ${dataDir}`, fix: 'free disk space: old backups in the data folder\'s backups/ and rotated logs in logs/ can be moved away' };
    if (free < warn) return { check: 'disk', status: 'warn', message: `${mb} MB free for ${dataDir}`, fix: 'free some disk space soon' };
    return { check: 'disk', status: 'ok', message: `${mb} MB free for ${dataDir}` };
  } catch (e) {
    return { check: 'disk', status: 'fail', message: `cannot read free space of ${dataDir}: ${(e as Error).message}`, fix: 'check that the data folder exists and is readable' };
  }
}

/** One line per check: `OK    config    … ` then `→ what to do` for anything not OK. */
export function formatCheck(r: CheckResult): string {
  const tag = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' }[r.status];
  return `${tag}  ${r.check}: ${r.message}${r.fix ? ` → ${r.fix}` : ''}`;
}
