import { checkCatalog } from '../../common/catalog/parse';
import { nextBusinessDay, type CatalogVersionInfo, type Publisher } from '../../common/catalog/published';
import type { CatalogBundle, CatalogIssue } from '../../common/catalog/types';
import type { TerminalProfile } from '../../common/config/schema';
import { isIsoDate } from '../../common/dates/isoDate';
import { AppError } from '../../common/errors';
import type { Terminal } from '../terminal/dataFolder';
import { baseCatalogDir } from './active';
import { localesDirFor, readCatalogBundle } from './load';
import { CatalogVersions } from './versions';

export interface PublishInput {
  content: CatalogBundle;
  reason: string;
  /** YYYY-MM-DD; default: the next business day. */
  effective?: string;
  /** The signed-in administrator (editor) or `--by` (CLI). */
  staff?: string;
  /** The admin terminal profile publishing (browser mode serves several profiles). */
  profile?: TerminalProfile;
}

/** One line per catalog issue: `file: path: reason`. */
export function issueLines(issues: readonly CatalogIssue[]): string[] {
  return issues.map((i) => `${i.file}: ${i.path}: ${i.reason}`);
}

function publisherOf(t: Terminal, profile: TerminalProfile | undefined, staff: string | undefined): Publisher {
  const admin = profile ?? t.config.terminals.find((p) => p.id === t.config.node.id && p.role === 'admin') ?? t.config.terminals.find((p) => p.role === 'admin');
  if (!admin || admin.role !== 'admin') {
    throw new AppError('forbidden', `only an administrator terminal publishes a catalog; ${t.dataDir} serves ${t.config.terminals.map((p) => `${p.id} (${p.role})`).join(', ')}`, { field: 'data' });
  }
  return { terminal: admin.id, role: 'admin', ...(staff ? { staff } : {}) };
}

function effectiveDate(t: Terminal, effective: string | undefined): string {
  const today = t.visits.today();
  if (effective === undefined || effective === '') return nextBusinessDay(today, t.config.closedDays ?? []);
  if (effective === 'today') return today;
  if (!isIsoDate(effective)) throw new AppError('bad-input', `effective date must be YYYY-MM-DD (or "today"), got "${effective}"`, { field: 'effective' });
  if (effective < today) throw new AppError('bad-input', `effective date ${effective} is in the past (today is ${today}); a version takes effect today or later`, { field: 'effective' });
  return effective;
}

/**
 * Publishes a catalog as the next version: refused (naming every field at fault) when it fails
 * `catalog check`, when no reason is given, or when the date is not today or later.
 */
export function publishCatalog(t: Terminal, input: PublishInput): CatalogVersionInfo {
  const reason = input.reason.trim();
  if (!reason) throw new AppError('bad-input', 'a reason is required: say why the catalog changes (it is kept in the log)', { field: 'reason' });
  if (reason.length > 500) throw new AppError('bad-input', `the reason is ${reason.length} characters; at most 500`, { field: 'reason' });
  const { issues } = checkCatalog(input.content);
  const first = issues[0];
  if (first) {
    throw new AppError('bad-catalog', `the catalog has ${issues.length} issue${issues.length === 1 ? '' : 's'} and cannot be published:\n${issueLines(issues).join('\n')}`, {
      field: `${first.file}:${first.path}`,
      details: issues,
    });
  }
  const publisher = publisherOf(t, input.profile, input.staff);
  return new CatalogVersions(t.store).publish({ content: input.content, publisher, reason, effective: effectiveDate(t, input.effective) });
}

/**
 * The catalog a terminal serves before any version (version 0): its data folder's own `catalog/`,
 * else the one shipped with the app. Refused, naming the field, when it does not pass `catalog check`.
 */
export function baseCatalogContent(t: Terminal): CatalogBundle {
  const dir = baseCatalogDir(t.dataDir);
  const issues: CatalogIssue[] = [];
  const bundle = readCatalogBundle(dir, localesDirFor(dir), issues);
  if (issues.length === 0) issues.push(...checkCatalog(bundle).issues);
  const first = issues[0];
  if (first) {
    throw new AppError('bad-catalog', `version 0 (the base catalog, ${dir}) has ${issues.length} issue${issues.length === 1 ? '' : 's'} and cannot be published again:\n${issueLines(issues).join('\n')}`, {
      field: `${first.file}:${first.path}`,
      details: issues,
    });
  }
  return bundle;
}

/**
 * Publishes an earlier version's catalog again as a new version, effective at once. Version 0 is
 * the base catalog (the one the app shipped with, or the data folder's own `catalog/`): its
 * content is published like any other, so every terminal verifies it and switches together.
 */
export function rollbackCatalog(t: Terminal, input: { to: number; reason?: string; staff?: string; profile?: TerminalProfile }): CatalogVersionInfo {
  const versions = new CatalogVersions(t.store);
  const known = () => {
    const list = versions.list().map((v) => v.version);
    return `known: 0 (the base catalog)${list.length ? `, ${list.join(', ')}` : ''}`;
  };
  if (!Number.isInteger(input.to) || input.to < 0) throw new AppError('bad-input', `the version to roll back to must be a whole number ≥ 0, got ${input.to} (${known()})`, { field: 'to' });
  let content: CatalogBundle;
  if (input.to === 0) {
    if (versions.list().length === 0) throw new AppError('bad-input', 'no catalog version was published on this terminal: it already serves version 0 (the base catalog)', { field: 'to' });
    content = baseCatalogContent(t);
  } else {
    const target = versions.find(input.to);
    if (!target) throw new AppError('not-found', `no catalog version ${input.to} on this terminal (${known()})`, { field: 'to' });
    if (target.problem !== null) throw new AppError('bad-input', `version ${input.to} is kept out on this terminal: ${target.problem}`, { field: 'to' });
    content = versions.content(target);
  }
  const publisher = publisherOf(t, input.profile, input.staff);
  const reason = input.reason?.trim() || (input.to === 0 ? 'rollback to version 0 (the base catalog)' : `rollback to version ${input.to}`);
  return versions.publish({ content, publisher, reason, effective: t.visits.today(), rollbackOf: input.to });
}
