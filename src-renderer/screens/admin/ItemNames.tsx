import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Procedure } from '../../../src-main/common/catalog/types';
import { localeText, TextsInAllLanguages, type EditProps, type Files } from './editorParts';

/**
 * The names of what a procedure lists, in every language (issue 19): things to bring (`bring.<id>`),
 * forms (`form.<id>`) and online options (`online.<id>`). One name serves every procedure that
 * lists the thing, so it is edited once, here or on the 持ち物・書類 tab; a missing translation
 * opens its row and is named at its field, as for departments.
 */
type Kind = 'bring' | 'form' | 'online';
const KINDS: Kind[] = ['bring', 'form', 'online'];

function idsOf(draft: Files, kind: Kind): string[] {
  if (kind === 'bring') return draft.bring.items.map((b) => b.id);
  if (kind === 'form') return draft.forms.forms.map((f) => f.id);
  return draft.online.options.map((o) => o.id);
}

function chosenOf(p: Procedure, kind: Kind): string[] {
  if (kind === 'bring') return (p.bring ?? []).map((b) => (typeof b === 'string' ? b : b.id));
  if (kind === 'form') return p.forms ?? [];
  return p.online ?? [];
}

/** A form's name in the editor's lists: its Japanese text, else the official name in forms.json. */
export function formLabel(draft: Files, id: string): string {
  return localeText(draft, 'ja', 'form', id) || draft.forms.forms.find((f) => f.id === id)?.name || id;
}

function NameRows({ kind, ids, languages, ...props }: EditProps & { kind: Kind; ids: string[]; languages: string[] }) {
  const { t } = useTranslation('catalogEditor');
  return (
    <ul className="ce-names" data-kind={kind}>
      {ids.map((id) => (
        <li key={id} data-item={id}>
          <code>{id}</code>
          <TextsInAllLanguages {...props} group={kind} id={id} languages={languages} label={(lang) => t('departmentEdit.nameIn', { id, lang })} testId={`${kind}-name-${id}`} />
        </li>
      ))}
    </ul>
  );
}

const heading = (kind: Kind) => (kind === 'bring' ? 'proc.bring' : kind === 'form' ? 'proc.forms' : 'proc.online');

/** In a procedure's form: the names of the things it lists. */
export function ProcedureItemNames({ p, languages, ...props }: EditProps & { p: Procedure; languages: string[] }) {
  const { t } = useTranslation('catalogEditor');
  return (
    <fieldset data-testid="proc-item-names">
      <legend>{t('itemEdit.legend')}</legend>
      <p className="muted">{t('itemEdit.shared')}</p>
      {KINDS.map((kind) => {
        const ids = chosenOf(p, kind);
        return (
          <div key={kind}>
            <strong>{t(heading(kind))}</strong>
            {ids.length ? <NameRows {...props} kind={kind} ids={ids} languages={languages} /> : <p className="muted">{t('itemEdit.none')}</p>}
          </div>
        );
      })}
    </fieldset>
  );
}

/** The 持ち物・書類・オンライン tab: every thing to bring, form and online option, named in every language; a new thing to bring. */
export function ItemsTab({ languages, ...props }: EditProps & { languages: string[] }) {
  const { t } = useTranslation('catalogEditor');
  const { draft, edit } = props;
  const [newId, setNewId] = useState('');
  const id = newId.trim();
  const wellFormed = /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id);
  const taken = draft.bring.items.some((b) => b.id === id);
  const add = () => {
    if (!wellFormed || taken) return;
    edit((x) => {
      x.bring.items.push({ id });
      // Blank texts: the check names each language still to write.
      for (const lang of Object.keys(x.locales)) ((x.locales[lang]!.bring ??= {}) as Record<string, string>)[id] = '';
    });
    setNewId('');
  };
  return (
    <section aria-labelledby="ce-items">
      <h2 id="ce-items">{t('tab.items')}</h2>
      <p className="muted">{t('itemEdit.shared')}</p>
      {KINDS.map((kind) => (
        <section key={kind} aria-labelledby={`ce-items-${kind}`}>
          <h3 id={`ce-items-${kind}`}>{t(heading(kind))}</h3>
          <NameRows {...props} kind={kind} ids={idsOf(draft, kind)} languages={languages} />
          {kind === 'bring' && (
            <div className="ce-inline">
              <label htmlFor="ce-new-bring">{t('itemEdit.newBring')}</label>
              <input id="ce-new-bring" value={newId} onChange={(e) => setNewId(e.target.value)} data-testid="bring-new-id" aria-describedby="ce-new-bring-help" />
              <button type="button" onClick={add} disabled={!wellFormed || taken} data-testid="bring-add">
                {t('itemEdit.addBring')}
              </button>
              <span id="ce-new-bring-help" className={id && (!wellFormed || taken) ? 'ce-issue' : 'muted'} role={id && (!wellFormed || taken) ? 'alert' : undefined}>
                {id && taken ? t('itemEdit.idTaken', { id }) : t('itemEdit.idHelp')}
              </span>
            </div>
          )}
        </section>
      ))}
    </section>
  );
}
