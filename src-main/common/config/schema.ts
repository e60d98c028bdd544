import { z } from 'zod';
import { AppError, formatPath } from '../errors';
import { isIsoDate } from '../dates/isoDate';
import { LANGUAGES } from '../i18n/languages';

export const ROLES = ['kiosk', 'counter', 'display', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export { LANGUAGES, type Language } from '../i18n/languages';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and "-", at most 40 characters');

export const stationSchema = z.object({
  id,
  /** Shown on the ticket and the display, e.g. 東口. */
  name: z.string().min(1),
  range: z.object({ from: z.number().int().min(1), to: z.number().int().max(99999) }).refine((r) => r.from <= r.to, 'from must be ≤ to'),
  /** Certificate-only visits may have their own range so the display shows them apart. */
  kind: z.enum(['general', 'certificate']).default('general'),
});
export type Station = z.infer<typeof stationSchema>;

/**
 * Where one form prints at this terminal (自動印字): a printer spec (`escp:serial:/dev/ttyUSB1?baud=9600`,
 * `escp:tcp:HOST:9100`, `escp:file:DIR`, `cups:QUEUE`, `file:DIR` …) and a mode: the whole A4 form,
 * or only the data on the city's pre-printed sheet (overlay).
 */
export const formPrinterSchema = z.object({
  printer: z.string().min(1),
  mode: z.enum(['full', 'overlay']).default('full'),
});
export type FormPrinter = z.infer<typeof formPrinterSchema>;

export const printersSchema = z.object({
  ticket: z.string().optional(),
  forms: z.string().optional(),
});

/** Paper feed offsets (mm, + is right / down) measured with `forms calibrate` for one printer and form. */
export const printCalibrationSchema = z.object({
  printer: z.string().min(1),
  form: z.string().min(1),
  dx: z.number().min(-50).max(50),
  dy: z.number().min(-50).max(50),
});
export type PrintCalibration = z.infer<typeof printCalibrationSchema>;

export const terminalSchema = z.object({
  id,
  role: z.enum(ROLES),
  /** kiosk: the station whose range it issues from. */
  station: id.optional(),
  /** counter: the department it serves and its counter number (窓口番号). */
  department: id.optional(),
  counter: z.string().min(1).max(8).optional(),
  printers: printersSchema.default({}),
  /** Per form id: its own printer and mode; forms not named go to `printers.forms` as full A4. */
  formPrinters: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a form id'), formPrinterSchema).optional(),
  language: z.enum(LANGUAGES).optional(),
  /** kiosk lockdown (Electron): fullscreen kiosk mode. */
  kioskMode: z.boolean().default(false),
});
export type TerminalProfile = z.infer<typeof terminalSchema>;

export const configSchema = z.object({
  /** 本庁舎, or a 支所: events are scoped by site. */
  site: id.default('honcho'),
  /**
   * Names of the municipality's sites by id (`{ "honcho": "本庁舎", "sakai": "境支所" }`): where a
   * supervisor's figures hold two sites, each station is named with its site. Absent = the site ids.
   */
  siteNames: z.record(id, z.string().min(1).max(40)).optional(),
  cityName: z.string().min(1).default('伊勢崎市'),
  /** Business days, ticket resets and report dates follow this zone, not the machine's. */
  timeZone: z.string().min(1).default('Asia/Tokyo'),
  /** The event-log origin of this database; unique per terminal database. */
  node: z.object({ id }),
  defaultLanguage: z.enum(LANGUAGES).default('ja'),
  stations: z.array(stationSchema).default([]),
  /**
   * The terminal profiles this database serves. An installed terminal has one; browser mode on a
   * single host (the demo, or a small office) may serve several, chosen per browser.
   */
  terminals: z.array(terminalSchema).min(1),
  queue: z
    .object({
      recallsBeforeNoShow: z.number().int().min(0).max(10).default(2),
      /** A visit that moves on keeps its original issue time for ordering (nobody waits twice). */
      keepOriginalIssueTime: z.boolean().default(true),
    })
    .default({ recallsBeforeNoShow: 2, keepOriginalIssueTime: true }),
  /** Sync service: node.id must equal the terminal id enrolled there. `ca`: PEM file of a private CA for https. */
  sync: z.object({ server: z.string().url(), token: z.string().min(8), ca: z.string().min(1).optional() }).optional(),
  /** Electron app updates from a LAN folder IT serves (generic provider); absent = no updates. */
  updates: z
    .object({
      enabled: z.boolean().default(true),
      /** The folder's URL, e.g. http://updates.lan/madoguchi/ (latest.yml, rollout.json). */
      url: z.string().url(),
      /** Windows: Authenticode subject names an update must be signed by. */
      publisherName: z.array(z.string().min(1)).optional(),
      /** Linux: the GnuPG keyring (public key) update packages' detached .asc signatures must verify against. */
      gpgKeyring: z.string().min(1).optional(),
      checkIntervalMinutes: z.number().int().min(5).max(1440).default(60),
    })
    .optional(),
  /**
   * The public wait board (待ち状況): the status relay's public base URL. The ticket's status QR
   * opens `<url>/s/<site>/<number>?lang=<language>` on the visitor's phone. Absent = no status QR.
   */
  statusBoard: z
    .object({
      url: z
        .string()
        .url()
        .refine((u) => /^https?:\/\//i.test(u), 'must be an http:// or https:// URL (the status relay visitors reach)'),
    })
    .optional(),
  /** Data retention (reports issue): personal details of visits older than this are erased; the day's anonymous statistics stay. */
  retention: z.object({ personalDetailsDays: z.number().int().min(1).max(3660) }).optional(),
  /** Calibration offsets per printer and form (forms calibrate --dx --dy, or the counter's dialog). */
  printCalibration: z.array(printCalibrationSchema).optional(),
  /**
   * Extra days the city hall is closed (ISO dates), besides weekends, national holidays and
   * 29 Dec – 3 Jan: a deadline that falls on one moves to the next open day (FACTS.md).
   */
  closedDays: z.array(z.string().refine((s) => isIsoDate(s), 'must be a date that exists, as YYYY-MM-DD')).optional(),
  residentAccess: z
    .object({
      roles: z.array(z.enum(ROLES)).default(['counter', 'supervisor']),
      departments: z.array(id).default([]),
      ttlHours: z.number().positive().default(12),
    })
    .optional(),
});
export type TerminalConfig = z.infer<typeof configSchema>;

/**
 * Validate a config. Errors name the field (`stations[1].range`) and, for overlapping ranges, both
 * stations: a silent duplicate ticket number is the one thing that must never happen.
 */
export function parseConfig(raw: unknown, source = 'config'): TerminalConfig {
  const r = configSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = formatPath(issue.path);
    throw new AppError('bad-config', `${source}: ${field || '(root)'}: ${issue.message}`, { field, details: r.error.issues.map((i) => ({ field: formatPath(i.path), message: i.message })) });
  }
  const cfg = r.data;
  checkStationRanges(cfg.stations, source);
  const stationIds = new Set(cfg.stations.map((s) => s.id));
  const terminalIds = new Set<string>();
  cfg.terminals.forEach((t, i) => {
    if (terminalIds.has(t.id)) throw new AppError('bad-config', `${source}: terminals[${i}].id: "${t.id}" is used twice`, { field: `terminals[${i}].id` });
    terminalIds.add(t.id);
    if (t.role === 'kiosk') {
      if (!t.station) throw new AppError('bad-config', `${source}: terminals[${i}].station: a kiosk needs the station it issues tickets for`, { field: `terminals[${i}].station` });
      if (!stationIds.has(t.station)) throw new AppError('bad-config', `${source}: terminals[${i}].station: unknown station "${t.station}" (known: ${[...stationIds].join(', ') || 'none'})`, { field: `terminals[${i}].station` });
    }
    if (t.role === 'counter' && (!t.department || !t.counter)) {
      const field = `terminals[${i}].${t.department ? 'counter' : 'department'}`;
      throw new AppError('bad-config', `${source}: ${field}: a counter terminal needs its department and its counter number (窓口番号)`, { field });
    }
  });
  return cfg;
}

export function checkStationRanges(stations: ReadonlyArray<Pick<Station, 'id' | 'range'>>, source = 'config'): void {
  const seen = new Map<string, number>();
  stations.forEach((s, i) => {
    if (seen.has(s.id)) throw new AppError('bad-config', `${source}: stations[${i}].id: station "${s.id}" is defined twice`, { field: `stations[${i}].id` });
    seen.set(s.id, i);
  });
  for (let i = 0; i < stations.length; i++) {
    for (let j = i + 1; j < stations.length; j++) {
      const a = stations[i]!;
      const b = stations[j]!;
      if (a.range.from <= b.range.to && b.range.from <= a.range.to) {
        throw new AppError(
          'bad-config',
          `${source}: stations "${a.id}" (${a.range.from}–${a.range.to}) and "${b.id}" (${b.range.from}–${b.range.to}) have overlapping ticket ranges`,
          { field: `stations[${j}].range`, details: { stations: [a.id, b.id] } },
        );
      }
    }
  }
}

export function terminalById(cfg: TerminalConfig, terminalId?: string): TerminalProfile {
  if (!terminalId) return cfg.terminals[0]!;
  const t = cfg.terminals.find((x) => x.id === terminalId);
  if (!t) throw new AppError('not-found', `no terminal "${terminalId}" in this config (known: ${cfg.terminals.map((x) => x.id).join(', ')})`, { field: 'terminal' });
  return t;
}
