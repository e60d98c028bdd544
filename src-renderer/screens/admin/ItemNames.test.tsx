// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useMemo, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCatalog } from '../../../src-main/common/catalog/parse';
import type { CatalogVersionInfo } from '../../../src-main/common/catalog/published';
import type { CatalogBundle } from '../../../src-main/common/catalog/types';
import type { CatalogVersionsView } from '../../../src-main/common/contract/catalog';
import bring from '../../../fixtures/catalog/bring.json';
import departments from '../../../fixtures/catalog/departments.json';
import forms from '../../../fixtures/catalog/forms.json';
import online from '../../../fixtures/catalog/online.json';
import procedures from '../../../fixtures/catalog/procedures.json';
import questions from '../../../fixtures/catalog/questions.json';
import { i18n } from '../../i18n';
import { VersionsTab } from './CatalogEditor';
import type { Files } from './editorParts';
import { ItemsTab, ProcedureItemNames } from './ItemNames';

/**
 * The names of things to bring, forms and online options in every language (issue 19), on the
 * shipped catalog: each edit runs the same `catalog check` the editor runs, a blank translation is
 * named at its own field and opens its row; a new thing to bring needs a well-formed, unused id and
 * a name in every language. And version 0 (the base catalog) in the version history: one click away
 * once a version was published, not before.
 */
const localeFiles = import.meta.glob('../../../locales/*/catalog.json', { eager: true, import: 'default' }) as Record<string, Record<string, unknown>>;
const shipped = (): Files =>
  JSON.parse(
    JSON.stringify({
      departments,
      procedures,
      bring,
      online,
      forms,
      questions,
      locales: Object.fromEntries(Object.entries(localeFiles).map(([path, v]) => [path.split('/').at(-2)!, v])),
    }),
  ) as Files;
const LANGS = ['en', 'es', 'ja', 'ja-easy', 'pt-BR', 'tl', 'vi', 'zh-CN'];

/** The editor's state loop in small: a draft, `catalog check` on every change, issues by field. */
function Harness({ procedure }: { procedure?: string }) {
  const [draft, setDraft] = useState<Files>(shipped);
  const issues = useMemo(() => checkCatalog(draft as unknown as CatalogBundle).issues, [draft]);
  const issueAt = (file: string, path: string) => issues.find((i) => i.file === file && i.path === path)?.reason;
  const edit = (fn: (d: Files) => void) =>
    setDraft((cur) => {
      const next = JSON.parse(JSON.stringify(cur)) as Files;
      fn(next);
      return next;
    });
  const languages = Object.keys(draft.locales).sort();
  const p = draft.procedures.procedures.find((x) => x.id === procedure);
  return (
    <>
      <ul data-testid="issues">
        {issues.map((i) => (
          <li key={`${i.file}:${i.path}`}>{`${i.file}: ${i.path}: ${i.reason}`}</li>
        ))}
      </ul>
      <output data-testid="bring-ids">{draft.bring.items.map((b) => b.id).join(',')}</output>
      {p ? <ProcedureItemNames draft={draft} edit={edit} issueAt={issueAt} languages={languages} p={p} /> : <ItemsTab draft={draft} edit={edit} issueAt={issueAt} languages={languages} />}
    </>
  );
}

const issueLines = () => [...screen.getByTestId('issues').querySelectorAll('li')].map((li) => li.textContent);
const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;
const fieldAlert = (id: string) => input(id).closest('.ce-field')!.querySelector('[role="alert"]')?.textContent;

afterEach(cleanup);
beforeEach(async () => {
  await i18n.changeLanguage('ja');
});

describe('names of things to bring, forms and online options', () => {
  it('the shipped catalog has every name in every language, each row folded under its Japanese name', () => {
    render(<Harness />);
    expect(issueLines()).toEqual([]);
    const ja = localeFiles['../../../locales/ja/catalog.json'] as { bring: Record<string, string>; form: Record<string, string>; online: Record<string, string> };
    expect(screen.getByTestId('bring-name-passport-summary').textContent).toBe(ja.bring.passport);
    expect(screen.getByTestId('form-name-juminido-summary').textContent).toBe(ja.form.juminido);
    expect(screen.getByTestId('online-name-pittari-hoiku-summary').textContent).toBe(ja.online['pittari-hoiku']);
    for (const lang of LANGS) expect(input(`form-name-kaigo-ido-${lang}`).value, lang).not.toBe('');
    expect((screen.getByTestId('bring-name-passport-summary').parentElement as HTMLDetailsElement).open).toBe(false);
  });

  it.each([
    ['bring', 'kaigo-jukyu-shikaku', 'en'],
    ['form', 'kaigo-ido', 'vi'],
    ['online', 'pittari-hoiku', 'tl'],
  ])('a blank %s name (%s, %s) is named at its field, its row opens, and the fix clears it', (group, id, lang) => {
    render(<Harness />);
    const field = `${group}-name-${id}-${lang}`;
    const before = input(field).value;
    fireEvent.change(input(field), { target: { value: '' } });
    expect(issueLines()).toEqual([`locales/${lang}/catalog.json: ${group}.${id}: missing translation (ja has "${group}.${id}")`]);
    expect(fieldAlert(field)).toMatch(/missing translation/);
    expect((screen.getByTestId(`${group}-name-${id}-summary`).parentElement as HTMLDetailsElement).open).toBe(true);
    // Other languages' fields of the row say nothing.
    expect(fieldAlert(`${group}-name-${id}-ja`)).toBeUndefined();
    fireEvent.change(input(field), { target: { value: `${before} (edited)` } });
    expect(issueLines()).toEqual([]);
    expect(fieldAlert(field)).toBeUndefined();
  });

  it('a blank Japanese name is named too: the summary falls back to the id', () => {
    render(<Harness />);
    fireEvent.change(input('bring-name-passport-ja'), { target: { value: '' } });
    expect(issueLines()).toContain('locales/ja/catalog.json: bring.passport: missing translation (no Japanese text for this id)');
    expect(screen.getByTestId('bring-name-passport-summary').textContent).toBe('passport');
  });

  it('a new thing to bring needs a well-formed, unused id, then a name in every language', () => {
    render(<Harness />);
    const add = screen.getByTestId('bring-add') as HTMLButtonElement;
    fireEvent.change(input('bring-new-id'), { target: { value: 'Inkan Card' } });
    expect(add.disabled).toBe(true);
    fireEvent.change(input('bring-new-id'), { target: { value: 'passport' } });
    expect(add.disabled).toBe(true);
    expect(screen.getByRole('alert').textContent).toContain('passport');
    fireEvent.change(input('bring-new-id'), { target: { value: 'inkan-card' } });
    expect(add.disabled).toBe(false);
    fireEvent.click(add);
    expect(screen.getByTestId('bring-ids').textContent).toMatch(/,inkan-card$/);
    // Every language is named, each at its own field.
    expect(issueLines()).toContain('locales/ja/catalog.json: bring.inkan-card: missing translation (no Japanese text for this id)');
    expect(issueLines()).toContain('locales/zh-CN/catalog.json: bring.inkan-card: missing translation (ja has "bring.inkan-card")');
    expect(issueLines()).toHaveLength(LANGS.length);
    expect((screen.getByTestId('bring-name-inkan-card-summary').parentElement as HTMLDetailsElement).open).toBe(true);
    fireEvent.change(input('bring-name-inkan-card-ja'), { target: { value: '印鑑登録証' } });
    expect(issueLines()).toHaveLength(LANGS.length - 1);
    for (const lang of LANGS.filter((l) => l !== 'ja')) expect(fieldAlert(`bring-name-inkan-card-${lang}`), lang).toMatch(/missing translation/);
    for (const lang of LANGS.filter((l) => l !== 'ja')) fireEvent.change(input(`bring-name-inkan-card-${lang}`), { target: { value: `Seal registration card (${lang})` } });
    expect(issueLines()).toEqual([]);
  });

  it("in a procedure's form: the names of what it lists, and only those", () => {
    render(<Harness procedure="kaigo-certified-transfer" />);
    const box = screen.getByTestId('proc-item-names');
    expect([...box.querySelectorAll('li[data-item]')].map((li) => li.getAttribute('data-item'))).toEqual(['kaigo-jukyu-shikaku', 'kaigo-ido']);
    expect(box.textContent).toContain('なし'); // no online option
    fireEvent.change(input('bring-name-kaigo-jukyu-shikaku-en'), { target: { value: 'Care eligibility certificate (edited)' } });
    expect(input('bring-name-kaigo-jukyu-shikaku-en').value).toBe('Care eligibility certificate (edited)');
    expect(issueLines()).toEqual([]);
  });
});

describe('version 0 in the version history', () => {
  const info = (version: number, extra: Partial<CatalogVersionInfo> = {}): CatalogVersionInfo => ({
    version,
    hash: 'a'.repeat(64),
    publisher: { terminal: 'admin', role: 'admin', staff: 'admin01' },
    at: '2026-12-03T05:00:00.000Z',
    reason: `v${version}`,
    effective: '2026-12-03',
    origin: 'admin',
    seq: version,
    hlc: String(version),
    problem: null,
    ...extra,
  });
  const view = (active: number, versions: CatalogVersionInfo[]): CatalogVersionsView => ({ status: { version: active, hash: 'h', today: '2026-12-03' }, versions, terminals: [], nextBusinessDay: '2026-12-04' });
  const row0 = () => screen.getByTestId('versions-table').querySelector('tr[data-version="0"]')!;

  it('before any version: version 0 is in use and there is nothing to roll back to', () => {
    render(<VersionsTab versions={view(0, [])} onRolledBack={async () => undefined} />);
    expect(row0().textContent).toContain('使用中');
    expect(screen.queryByTestId('rollback-0')).toBeNull();
  });

  it('when version 1 is the latest and in use, version 0 is one click away', () => {
    render(<VersionsTab versions={view(1, [info(1)])} onRolledBack={async () => undefined} />);
    expect(screen.getByTestId('rollback-0').textContent).toBe('版 0 に戻す');
    expect(screen.queryByTestId('rollback-1')).toBeNull();
    expect(row0().textContent).toContain('置き換え済み');
  });

  it('a rollback to version 0 is marked as one, and version 1 is one click away again', () => {
    render(<VersionsTab versions={view(2, [info(1), info(2, { rollbackOf: 0 })])} onRolledBack={async () => undefined} />);
    expect(screen.getByTestId('versions-table').querySelector('tr[data-version="2"]')!.textContent).toContain('版 0 に戻した版');
    expect(screen.getByTestId('rollback-1')).toBeTruthy();
    expect(screen.getByTestId('rollback-0')).toBeTruthy();
  });

  it('while version 1 waits for its date, version 0 is in use', () => {
    render(<VersionsTab versions={view(0, [info(1, { effective: '2026-12-04' })])} onRolledBack={async () => undefined} />);
    expect(row0().textContent).toContain('使用中');
    expect(screen.queryByTestId('rollback-0')).toBeNull();
    expect(screen.getByTestId('rollback-1')).toBeTruthy();
  });
});
