import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AppError } from '../../common/errors';
import { parseConfig, type TerminalConfig } from '../../common/config/schema';
import { Store } from '../store/store';
import { VisitService } from '../visits/service';

/** Repository root (where fixtures/ and locales/ live), from src-main/node/terminal. */
export const APP_ROOT = resolve(__dirname, '..', '..', '..');
export const DEMO_CONFIG = join(APP_ROOT, 'fixtures', 'config', 'demo.json');

export const CONFIG_FILE = 'config.json';
export const DB_FILE = 'madoguchi.sqlite';

export function defaultDataDir(): string {
  return resolve(process.env.MADOGUCHI_DATA ?? 'data');
}

export function configPath(dataDir: string): string {
  return join(dataDir, CONFIG_FILE);
}

export function dbPath(dataDir: string): string {
  return join(dataDir, DB_FILE);
}

/** Reads and validates a config file; every error names the file and the field. */
export function readConfigFile(file: string): TerminalConfig {
  if (!existsSync(file)) {
    throw new AppError('bad-config', `no terminal config at ${file}. Set this terminal up with "madoguchi terminal init", or run "madoguchi web" for the demo.`, { field: 'config' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('bad-config', `${file} is not valid JSON: ${(e as Error).message}`, { field: 'config' });
  }
  return parseConfig(raw, file);
}

/** First run of the demo: copy the demo config into an empty data folder. */
export function ensureDemoSetup(dataDir: string): { created: boolean } {
  mkdirSync(dataDir, { recursive: true });
  const file = configPath(dataDir);
  if (existsSync(file)) return { created: false };
  copyFileSync(DEMO_CONFIG, file);
  return { created: true };
}

/** `file:printer/x` in a config is relative to the data folder. */
export function resolvePrinterSpec(spec: string, dataDir: string): string {
  if (!spec.startsWith('file:')) return spec;
  const p = spec.slice('file:'.length);
  return `file:${isAbsolute(p) ? p : join(dataDir, p)}`;
}

export interface Terminal {
  dataDir: string;
  config: TerminalConfig;
  store: Store;
  visits: VisitService;
  close(): void;
}

export function openTerminal(dataDir: string, opts: { configFile?: string; clock?: () => number } = {}): Terminal {
  mkdirSync(dataDir, { recursive: true });
  const config = readConfigFile(opts.configFile ?? configPath(dataDir));
  const store = Store.open({ file: dbPath(dataDir), nodeId: config.node.id, site: config.site, ...(opts.clock ? { clock: opts.clock } : {}) });
  return { dataDir, config, store, visits: new VisitService(store, config), close: () => store.close() };
}
