import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseConfig, type PrintCalibration } from '../../common/config/schema';
import { AppError } from '../../common/errors';
import { encodeEscp } from '../printer/escp';
import { configPath, readConfigFile } from '../terminal/dataFolder';
import { PAPERS } from './overlay';
import { calibrationFor } from './overlayService';
import { calibrationPieces, renderCalibrationPdf } from './overlayPdf';
import { parseFormsTarget, sendToTarget } from './printTarget';
import { formTemplates } from './service';
import { FORMS_DIR, parseFormTemplate } from './template';

/** Every problem of every template in a forms folder (the data folder's own, else the shipped one). */
export function checkFormsFolder(dir?: string, dataDir?: string): { ok: string[]; problems: Array<{ file: string; field: string; message: string }> } {
  const folder = dir ?? (dataDir && existsSync(join(dataDir, 'forms')) ? join(dataDir, 'forms') : FORMS_DIR);
  if (!existsSync(folder)) throw new AppError('bad-input', `no forms folder at ${folder}`, { field: 'dir' });
  const ok: string[] = [];
  const problems: Array<{ file: string; field: string; message: string }> = [];
  for (const f of readdirSync(folder).filter((x) => x.endsWith('.json')).sort()) {
    const file = join(folder, f);
    try {
      const t = parseFormTemplate(JSON.parse(readFileSync(file, 'utf8')), file);
      if (`${t.id}.json` !== f) throw new AppError('bad-config', `id "${t.id}" must match the file name`, { field: 'id' });
      ok.push(f);
    } catch (e) {
      if (e instanceof SyntaxError) problems.push({ file: f, field: '(file)', message: `not valid JSON: ${e.message}` });
      else if (e instanceof AppError) {
        const details = Array.isArray(e.details) ? (e.details as Array<{ field: string; message: string }>) : [{ field: e.field ?? '(root)', message: e.message.replace(`${file}: `, '').replace(/^[^:]+: /, '') }];
        for (const d of details) problems.push({ file: f, field: d.field, message: d.message });
      } else throw e;
    }
  }
  return { ok, problems };
}

/** Stores a printer's offsets for a form in the data folder's config.json (validated, written atomically). */
export function storeCalibration(dataDir: string, c: PrintCalibration): void {
  const file = configPath(dataDir);
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const list = (Array.isArray(raw.printCalibration) ? raw.printCalibration : []) as PrintCalibration[];
  raw.printCalibration = [...list.filter((x) => !(x.printer === c.printer && x.form === c.form)), c];
  parseConfig(raw, file);
  writeFileSync(`${file}.part`, JSON.stringify(raw, null, 2) + '\n');
  renameSync(`${file}.part`, file);
}

/** A scanned background named in a layout: in the data folder's forms/ or the shipped forms folder. */
export function backgroundFile(dataDir: string, name: string): string {
  const own = join(dataDir, 'forms', basename(name));
  return existsSync(own) ? own : join(FORMS_DIR, basename(name));
}

/** Prints the grid sheet for a form's overlay on a printer, with the offsets stored for it. */
export async function printCalibrationSheet(dataDir: string, printer: string, form: string): Promise<{ status: 'printed' | 'failed'; dx: number; dy: number; error?: string; bytes: number }> {
  const config = readConfigFile(configPath(dataDir));
  const t = formTemplates(dataDir).get(form);
  if (!t) throw new AppError('bad-input', `unknown form "${form}"`, { field: 'form' });
  if (!t.overlay) throw new AppError('bad-input', `form "${form}" has no overlay layout to calibrate`, { field: 'form' });
  const target = parseFormsTarget(printer);
  const paper = { name: t.overlay.paper, ...PAPERS[t.overlay.paper] };
  const { dx, dy } = calibrationFor(config, printer, form);
  const bytes = target.language === 'escp' ? encodeEscp([calibrationPieces(t.overlay, paper, dx, dy)], { paper }) : await renderCalibrationPdf(t.overlay, paper, { dx, dy, title: `${t.name} calibration` });
  try {
    await sendToTarget(target, bytes, { jobId: `calibrate-${form}`, title: `${t.name} 位置合わせ`, paper, overlay: true });
    return { status: 'printed', dx, dy, bytes: bytes.length };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    return { status: 'failed', dx, dy, error: e.message, bytes: bytes.length };
  }
}
