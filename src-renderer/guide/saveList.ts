import type { Catalog } from '../../src-main/common/catalog/types';
import { formatDisplayDate } from '../../src-main/common/dates/format';
import { deadlineText } from '../../src-main/common/guidance/deadlineText';
import { visitBring, visitRoute, type GuidanceItem } from '../../src-main/common/guidance/guide';
import { rubyToParens } from '../../src-main/common/i18n/ruby';

type T = (key: string, opts?: Record<string, unknown>) => string;
type CT = (key: string, fallback?: string) => string;

/**
 * The list as plain text for "save": the same items the screen shows, readings of やさしい日本語
 * in brackets (a text file has no ruby), the hand-over code at the end so a saved file still
 * skips the questions at the hall.
 */
export function listAsText(items: GuidanceItem[], catalog: Catalog, opts: { t: T; tl: T; ct: CT; date: string; code?: string; lang?: string }): string {
  const { t, tl, ct } = opts;
  const p = (s: string) => rubyToParens(s);
  const lines: string[] = [`${t('title')} (${t('city')})`, t('madeOn', { date: formatDisplayDate(opts.date, opts.lang ?? 'ja') }), ''];
  const route = visitRoute(items, catalog);
  if (route.length > 0) {
    lines.push(`${t('route')}:`);
    route.forEach((d, i) => lines.push(`  ${i + 1}. ${p(t('routeStop', { place: ct(`department.${d}`), counter: catalog.departments[d]?.counter ?? '', floor: catalog.departments[d]?.floor ?? '' }).trim())}`));
    lines.push('');
  }
  if (items.length === 0) lines.push(p(tl('list.empty')));
  items.forEach((it, i) => {
    lines.push(`${i + 1}. ${p(ct(`procedure.${it.id}`, it.name))} [${p(tl(`status.${it.status}`))}]`);
    lines.push(`   ${t('file.where')}: ${p(tl('list.where', { place: ct(`department.${it.place}`, it.departmentName), counter: it.counter, floor: it.floor ?? '' }).trim())}`);
    const due = deadlineText(it, opts.lang ?? 'ja', (k) => ct(k), { visitYear: Number(opts.date.slice(0, 4)) });
    if (due) lines.push(`   ${t('file.deadline')}: ${p(due)}`);
    if (it.bring.length > 0) lines.push(`   ${t('file.bring')}: ${it.bring.map((b) => p(ct(`bring.${b.id}`, b.name))).join(' / ')}`);
    for (const o of it.online) lines.push(`   ${t('file.online')}: ${p(ct(`online.${o.id}`, o.label))} ${o.url}`);
    if (it.convenienceStore) lines.push(`   ${p(tl('list.convenienceStore'))}`);
    if (it.status === 'to-confirm') lines.push(`   ${p(tl('list.toConfirm'))}`);
  });
  const all = visitBring(items);
  if (all.length > 0) {
    lines.push('', `${t('bringAll')}:`);
    for (const b of all) lines.push(`  - ${p(ct(`bring.${b.id}`, b.name))}`);
  }
  if (opts.code) lines.push('', `${t('file.code')}: ${opts.code}`);
  lines.push('', t('privacy'));
  return lines.join('\r\n') + '\r\n';
}

/** Offers a text as a file download: no server involved, works offline. */
export function download(text: string, fileName: string): void {
  // A BOM so Windows Notepad opens Japanese text as UTF-8.
  const blob = new Blob(['\ufeff', text], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
