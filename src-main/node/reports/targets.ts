import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { mergeKpiTargets, parseKpiTargets, type KpiTargets } from '../../common/reports/kpi';
import { APP_ROOT } from '../terminal/dataFolder';

export const DEFAULT_TARGETS_FILE = join(APP_ROOT, 'fixtures', 'kpi', 'targets.json');
/** A data folder may override the plan's targets (a revised plan, a 支所's own targets). */
export const TARGETS_OVERRIDE = 'kpi-targets.json';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AppError('bad-config', `${file} is not valid JSON: ${(e as Error).message}`, { field: 'kpi-targets' });
  }
}

export function loadKpiTargets(dataDir?: string): KpiTargets {
  const base = parseKpiTargets(readJson(DEFAULT_TARGETS_FILE), DEFAULT_TARGETS_FILE);
  if (!dataDir) return base;
  const file = join(dataDir, TARGETS_OVERRIDE);
  if (!existsSync(file)) return base;
  return mergeKpiTargets(base, parseKpiTargets(readJson(file), file));
}
