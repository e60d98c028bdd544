import { AppError } from '../errors';
import type { MeanParts } from './stats';

/**
 * 総合窓口支援サービスに係る市民アンケート (plan 第5章 3): the city's annual random-sample survey,
 * imported from its results CSV (not the kiosk's survey). One row per respondent, a column per
 * question (使いやすさ・利便性・待ち時間・分かりやすさ), scores 1–5, blank when not answered. The
 * KPI is the mean of every answered score of the latest import for the fiscal year.
 */
export const CITIZEN_SURVEY_EVENT = 'citizen-survey.imported';

export const CITIZEN_SURVEY_COLUMNS = ['ease', 'convenience', 'waiting', 'clarity'] as const;
export type CitizenSurveyColumn = (typeof CITIZEN_SURVEY_COLUMNS)[number];

/** Header names the city's file may use for each question. */
const ALIASES: Record<CitizenSurveyColumn, string[]> = {
  ease: ['ease', '使いやすさ', '使用感'],
  convenience: ['convenience', '利便性'],
  waiting: ['waiting', '待ち時間'],
  clarity: ['clarity', '分かりやすさ', '案内の分かりやすさ'],
};

export interface CitizenSurveyImport {
  fiscalYear: number;
  /** Respondents (data rows). */
  responses: number;
  /** Every answered score: the KPI is sum ÷ n. */
  all: MeanParts;
  questions: Record<CitizenSurveyColumn, MeanParts>;
  /** The file name as given, and its SHA-256 when the importer computed it (audit). */
  source: string;
  sha256?: string;
}

/** RFC 4180 fields of one line (quotes, doubled quotes). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/** Reads the survey's results CSV (UTF-8, BOM allowed). A bad cell throws naming the line and the column; nothing is half-imported. */
export function parseCitizenSurveyCsv(text: string, fiscalYear: number, source: string): CitizenSurveyImport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = fields(lines[0] ?? '');
  const col: Partial<Record<CitizenSurveyColumn, number>> = {};
  for (const q of CITIZEN_SURVEY_COLUMNS) {
    const i = header.findIndex((h) => ALIASES[q].includes(h));
    if (i < 0) throw new AppError('bad-input', `${source}: line 1: no column for "${q}" (one of ${ALIASES[q].join(', ')})`, { field: `${source}:1.${q}` });
    col[q] = i;
  }
  const questions = Object.fromEntries(CITIZEN_SURVEY_COLUMNS.map((q) => [q, { sum: 0, n: 0 }])) as Record<CitizenSurveyColumn, MeanParts>;
  const all: MeanParts = { sum: 0, n: 0 };
  let responses = 0;
  lines.slice(1).forEach((line, k) => {
    if (line.trim() === '') return;
    const ln = k + 2;
    const f = fields(line);
    responses++;
    for (const q of CITIZEN_SURVEY_COLUMNS) {
      const raw = f[col[q]!] ?? '';
      if (raw === '') continue;
      const v = Number(raw);
      if (!Number.isInteger(v) || v < 1 || v > 5) throw new AppError('bad-input', `${source}: line ${ln}, column "${header[col[q]!]}": a score is a whole number 1–5 or blank; got "${raw}"`, { field: `${source}:${ln}.${q}` });
      questions[q].sum += v;
      questions[q].n += 1;
      all.sum += v;
      all.n += 1;
    }
  });
  if (responses === 0) throw new AppError('bad-input', `${source}: no respondent rows`, { field: source });
  return { fiscalYear, responses, all, questions, source };
}
