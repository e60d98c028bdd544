import { useEffect, useRef } from 'react';
import type { Procedure, QuestionDef } from '../../../src-main/common/catalog/types';

/** The catalog files as the editor holds them while the administrator edits (raw JSON, checked by `catalog check`). */
export type Json = Record<string, unknown>;
export type Files = {
  departments: { oneStop: string; routeOrder: string[]; departments: Array<{ id: string; counter?: string; floor?: string; external?: boolean; note?: string }> };
  procedures: { procedures: Procedure[] };
  bring: { items: Array<{ id: string }> };
  online: { options: Array<{ id: string; kind: string; url: string }> };
  forms: { forms: Array<{ id: string; name: string }> };
  questions: { questions: QuestionDef[] };
  locales: Record<string, Json>;
};

export type EditProps = { draft: Files; edit: (fn: (d: Files) => void) => void; issueAt: (file: string, path: string) => string | undefined };

/** A catalog text of the draft (`procedure`, `tennyu`), '' when there is none yet. */
export function localeText(d: Files, lang: string, group: string, id: string): string {
  const g = d.locales[lang]?.[group] as Record<string, unknown> | undefined;
  const v = g?.[id];
  return typeof v === 'string' ? v : '';
}

/** Sets a catalog text of the draft in one language, making its group when the language has none yet. */
export function setLocaleText(d: Files, lang: string, group: string, id: string, text: string): void {
  const l = (d.locales[lang] ??= {});
  ((l[group] ??= {}) as Record<string, string>)[id] = text;
}

/** An option's text (`value.moveTo.abroad`, `answer.yes`) in the draft's Japanese texts, or the value itself. */
export function nestedText(d: Files, lang: string, path: string): string | undefined {
  let cur: unknown = d.locales[lang];
  for (const k of path.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Json)[k] : undefined;
  return typeof cur === 'string' ? cur : undefined;
}

export function Issue({ text, testId }: { text: string | undefined; testId?: string }) {
  if (!text) return null;
  return (
    <span className="ce-issue" role="alert" data-testid={testId}>
      {text}
    </span>
  );
}

/**
 * A catalog text in every language (a department's name …) folded under its Japanese text; a
 * missing translation opens it and names the language.
 */
export function TextsInAllLanguages({ draft, edit, issueAt, group, id, languages, label, testId }: EditProps & { group: string; id: string; languages: string[]; label: (lang: string) => string; testId: string }) {
  const missing = languages.some((lang) => issueAt(`locales/${lang}/catalog.json`, `${group}.${id}`));
  const ref = useRef<HTMLDetailsElement>(null);
  // Opens itself on a missing text, and stays open once the administrator fixed it.
  useEffect(() => {
    if (missing && ref.current) ref.current.open = true;
  }, [missing]);
  return (
    <details className="ce-texts" ref={ref}>
      <summary data-testid={`${testId}-summary`}>{localeText(draft, 'ja', group, id) || id}</summary>
      {languages.map((lang) => (
        <div key={lang} className="ce-field">
          <label htmlFor={`${testId}-${lang}`}>{lang}</label>
          <input id={`${testId}-${lang}`} aria-label={label(lang)} value={localeText(draft, lang, group, id)} onChange={(e) => edit((d) => setLocaleText(d, lang, group, id, e.target.value))} data-testid={`${testId}-${lang}`} />
          <Issue text={issueAt(`locales/${lang}/catalog.json`, `${group}.${id}`)} />
        </div>
      ))}
    </details>
  );
}
