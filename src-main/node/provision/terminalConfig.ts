import { existsSync, readFileSync, renameSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { parseConfig, ROLES, type Role, type TerminalConfig } from '../../common/config/schema';
import { parseFormsTarget } from '../forms/printTarget';
import { formTemplates } from '../forms/service';
import { parsePrinterSpec } from '../printer/spec';
import { configPath, DEMO_CONFIG, readConfigFile, resolvePrinterSpec } from '../terminal/dataFolder';

/**
 * A central folder IT keeps on a share, for provisioning and config pushes:
 *   site.json              site-wide settings: site, cityName, timeZone, stations, queue, sync, updates…
 *   terminals/<id>.json    optional: the full config of one terminal (wins over site.json)
 */
export const SITE_FILE = 'site.json';
export const terminalFile = (dir: string, id: string): string => join(dir, 'terminals', `${id}.json`);

/** Site-wide keys a central site.json may set; a terminal's own profile is never taken from it. */
const SITE_KEYS = ['site', 'siteNames', 'cityName', 'timeZone', 'defaultLanguage', 'stations', 'queue', 'sync', 'residentAccess', 'updates'] as const;

export interface TerminalInitOptions {
  dataDir: string;
  role: string;
  terminalId: string;
  station?: string;
  department?: string;
  counter?: string;
  printer?: string;
  /**
   * Where single forms print (formPrinters), each "FORM=SPEC" or "FORM:overlay=SPEC" / "FORM:full=SPEC":
   * e.g. juminhyo-seikyu=escp:serial:/dev/ttyUSB1?baud=9600 (dot-matrix: always the overlay),
   * inkan-shomei-seikyu:overlay=cups:Tray2_Preprinted. Forms not named print on --printer as A4.
   */
  formPrinters?: string[];
  language?: string;
  server?: string;
  token?: string;
  /** The sync server's certificate (its self-signed one, or a private CA), for https. */
  ca?: string;
  fromCentral?: string;
  /** kiosk lockdown; defaults to true for kiosks and displays. */
  kioskMode?: boolean;
  /** Replace an existing config (the old one is kept as a backup). */
  force?: boolean;
  now?: number;
}

function readJson(file: string, field: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('bad-config', `${file} is not valid JSON: ${(e as Error).message}`, { field });
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AppError('bad-config', `${file} must hold a JSON object`, { field });
  return raw as Record<string, unknown>;
}

function siteSettings(fromCentral: string | undefined): { source: string; settings: Record<string, unknown> } {
  if (fromCentral) {
    const file = join(fromCentral, SITE_FILE);
    if (!existsSync(file)) throw new AppError('bad-input', `the central folder ${fromCentral} has no ${SITE_FILE} (site-wide stations and settings)`, { field: 'from-central' });
    return { source: file, settings: pick(readJson(file, 'from-central')) };
  }
  // No central folder: the demo's stations (東口・西口・フロア中央) so a test terminal runs at once.
  return { source: DEMO_CONFIG, settings: pick(readJson(DEMO_CONFIG, 'config')) };
}

function pick(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SITE_KEYS) if (raw[k] !== undefined) out[k] = raw[k];
  return out;
}

/** Builds and validates the config of one installed terminal (node.id = terminal id). */
export function buildTerminalConfig(opts: Omit<TerminalInitOptions, 'dataDir' | 'force' | 'now'>): { config: TerminalConfig; raw: Record<string, unknown>; source: string } {
  if (!(ROLES as readonly string[]).includes(opts.role)) {
    throw new AppError('bad-input', `--role must be one of ${ROLES.join(', ')}, got "${opts.role}"`, { field: 'role' });
  }
  const role = opts.role as Role;
  if ((opts.server === undefined) !== (opts.token === undefined)) {
    throw new AppError('bad-input', '--server and --token go together (the sync server URL and this terminal\'s token)', { field: opts.server === undefined ? 'server' : 'token' });
  }
  // A kiosk's printer prints tickets (ESC/POS); every other role's prints forms (PDF queue, folder or dot-matrix).
  if (opts.printer !== undefined) {
    if (role === 'kiosk') parsePrinterSpec(opts.printer);
    else parseFormsTarget(opts.printer, 'printer');
  }
  const formPrinters = parseFormPrinterFlags(opts.formPrinters ?? [], role);
  const { source, settings } = siteSettings(opts.fromCentral);
  const printers: Record<string, string> = {};
  // A kiosk prints tickets; every other role prints forms (申請書) when it has a printer.
  if (opts.printer) printers[role === 'kiosk' ? 'ticket' : 'forms'] = opts.printer;
  const profile: Record<string, unknown> = {
    id: opts.terminalId,
    role,
    ...(opts.station ? { station: opts.station } : {}),
    ...(opts.department ? { department: opts.department } : {}),
    ...(opts.counter ? { counter: opts.counter } : {}),
    printers,
    ...(formPrinters ? { formPrinters } : {}),
    ...(opts.language ? { language: opts.language } : {}),
    kioskMode: opts.kioskMode ?? (role === 'kiosk' || role === 'display'),
  };
  const raw: Record<string, unknown> = {
    ...settings,
    node: { id: opts.terminalId },
    terminals: [profile],
    ...(opts.server ? { sync: { server: opts.server, token: opts.token, ...(opts.ca ? { ca: opts.ca } : {}) } } : {}),
  };
  const config = parseConfig(raw, `terminal ${opts.terminalId}`);
  // parseConfig names fields as terminals[0].x; say it the way the command was typed.
  return { config, raw, source };
}

/** `--form-printer FORM[:overlay|:full]=SPEC`, each checked; null when none were given. */
export function parseFormPrinterFlags(flags: string[], role: Role): Record<string, { printer: string; mode: 'full' | 'overlay' }> | null {
  if (flags.length === 0) return null;
  if (role === 'kiosk' || role === 'display') throw new AppError('bad-input', `--form-printer is for terminals that print forms (counter, supervisor, admin), not a ${role}`, { field: 'form-printer' });
  const out: Record<string, { printer: string; mode: 'full' | 'overlay' }> = {};
  for (const f of flags) {
    const m = /^([a-z0-9][a-z0-9-]{0,39})(?::(overlay|full))?=(.+)$/.exec(f.trim());
    if (!m) throw new AppError('bad-input', `--form-printer "${f}": write FORM=SPEC or FORM:overlay=SPEC, e.g. juminhyo-seikyu=escp:serial:/dev/ttyUSB1?baud=9600 or inkan-shomei-seikyu:overlay=cups:Tray2`, { field: 'form-printer' });
    const [, form, modeText, spec] = m;
    if (out[form!]) throw new AppError('bad-input', `--form-printer names the form "${form}" twice`, { field: 'form-printer' });
    const target = parseFormsTarget(spec!, 'form-printer');
    if (target.language === 'escp' && modeText === 'full') throw new AppError('bad-input', `--form-printer "${f}": a dot-matrix printer (escp:) prints the data on the city's own form only, so the mode is overlay, not full`, { field: 'form-printer' });
    out[form!] = { printer: spec!.trim(), mode: target.language === 'escp' ? 'overlay' : ((modeText as 'overlay' | 'full' | undefined) ?? 'full') };
  }
  return out;
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
}

/** Writes a config atomically, keeping the one it replaces as config.<time>.bak.json. */
export function writeConfigFile(dataDir: string, raw: unknown, now = Date.now()): { file: string; backup?: string } {
  mkdirSync(dataDir, { recursive: true });
  const file = configPath(dataDir);
  let backup: string | undefined;
  if (existsSync(file)) {
    backup = join(dataDir, `config.${stamp(now)}.bak.json`);
    copyFileSync(file, backup);
  }
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(raw, null, 2) + '\n');
  renameSync(tmp, file);
  return { file, ...(backup ? { backup } : {}) };
}

export function initTerminal(opts: TerminalInitOptions): { file: string; backup?: string; config: TerminalConfig; source: string } {
  const file = configPath(opts.dataDir);
  if (existsSync(file) && !opts.force) {
    throw new AppError('conflict', `${file} already exists. Use --force to replace it (the old one is kept as a backup), or "terminal pull-config" to update it from the central folder.`, { field: 'data' });
  }
  const built = buildTerminalConfig(opts);
  const known = formTemplates(opts.dataDir);
  for (const [form, fp] of Object.entries(built.config.terminals[0]!.formPrinters ?? {})) {
    const t = known.get(form);
    if (!t) throw new AppError('bad-input', `--form-printer: no form "${form}" (the forms are: ${[...known.keys()].join(', ')})`, { field: 'form-printer' });
    if (fp.mode === 'overlay' && !t.overlay) {
      const withOverlay = [...known.values()].filter((x) => x.overlay).map((x) => x.id);
      throw new AppError('bad-input', `--form-printer: form "${form}" has no overlay layout, so it cannot print on ${/^escp:/i.test(fp.printer) ? 'a dot-matrix printer' : 'pre-printed stock'} (forms with one: ${withOverlay.join(', ')})`, { field: 'form-printer' });
    }
  }
  const written = writeConfigFile(opts.dataDir, built.raw, opts.now);
  // A file printer (test setups, print servers) needs its folder before the first job.
  const t0 = built.config.terminals[0]!;
  for (const raw of [...Object.values(t0.printers), ...Object.values(t0.formPrinters ?? {}).map((r) => r.printer)]) {
    const spec = raw?.replace(/^escp:/i, '');
    if (spec?.startsWith('file:')) mkdirSync(resolvePrinterSpec(spec, opts.dataDir).slice('file:'.length), { recursive: true });
  }
  return { ...written, config: built.config, source: built.source };
}

export interface PullResult {
  file: string;
  source: string;
  changed: boolean;
  backup?: string;
}

/**
 * Takes this terminal's config from the central folder: terminals/<id>.json when IT wrote one,
 * otherwise site.json's site-wide settings over the current config. The new config is validated
 * before anything is replaced, and must keep the terminal's node id (the origin of its event log).
 */
export function pullConfig(dataDir: string, from: string, opts: { now?: number } = {}): PullResult {
  const current = readConfigFile(configPath(dataDir));
  const currentRaw = readJson(configPath(dataDir), 'config');
  const nodeId = current.node.id;
  const own = terminalFile(from, nodeId);
  let raw: Record<string, unknown>;
  let source: string;
  if (existsSync(own)) {
    raw = readJson(own, 'from');
    source = own;
  } else if (existsSync(join(from, SITE_FILE))) {
    source = join(from, SITE_FILE);
    raw = { ...currentRaw, ...pick(readJson(source, 'from')) };
  } else {
    throw new AppError('bad-input', `the central folder ${from} has neither terminals/${nodeId}.json nor ${SITE_FILE}`, { field: 'from' });
  }
  const next = parseConfig(raw, source);
  if (next.node.id !== nodeId) {
    throw new AppError('bad-config', `${source}: node.id: is "${next.node.id}" but this terminal's database belongs to "${nodeId}"; a terminal keeps its node id. Nothing was changed.`, { field: 'node.id' });
  }
  if (JSON.stringify(raw) === JSON.stringify(currentRaw)) return { file: configPath(dataDir), source, changed: false };
  const written = writeConfigFile(dataDir, raw, opts.now);
  return { ...written, source, changed: true };
}
