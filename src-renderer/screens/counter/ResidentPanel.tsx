import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachResult, FactCheck, FormRef, FormsPrintOutcome, Household, PdfDocument, ResidentHit } from '../../../src-main/common/contract/residents';
import type { VisitState } from '../../../src-main/common/visit/state';
import { formatWareki } from '../../../src-main/common/wareki';
import { call } from '../../api/client';
import { useCatalogText } from '../../guidance/useCatalogText';
import { useErrorText } from '../../app/errorText';
import { FormJobs } from './FormJobs';

/**
 * 書かない窓口 at the counter: find the visitor in the resident data (kana, birth date or
 * household number), attach the household to the visit so its qualifications become facts, then
 * preview and print every form the list needs. Every step is audited on the main side; this panel
 * only says why (`purpose`).
 */
export function ResidentPanel({ visit, onClose }: { visit: VisitState; onClose?: () => void }) {
  const { t } = useTranslation('counter');
  const errText = useErrorText();
  const ct = useCatalogText();
  const [kana, setKana] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [householdNo, setHouseholdNo] = useState('');
  const [hits, setHits] = useState<ResidentHit[] | null>(null);
  const [household, setHousehold] = useState<Household | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [applicant, setApplicant] = useState<string | null>(null);
  const [attached, setAttached] = useState<AttachResult | null>(null);
  const [forms, setForms] = useState<FormRef[] | null>(null);
  const [preview, setPreview] = useState<PdfDocument | null>(null);
  const [printed, setPrinted] = useState<FormsPrintOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const kanaRef = useRef<HTMLInputElement>(null);
  const previewUrl = usePdfUrl(preview);
  // Opened with D: the counter types the kana straight away.
  useEffect(() => kanaRef.current?.focus(), []);

  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(errText(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const openHousehold = async (householdId: string) => {
    const h = await run(() => call('residents.household', { householdId, visitId: visit.id, purpose: t('residents.purpose.household') }));
    if (!h) return;
    setHousehold(h);
    setChosen(new Set(h.members.map((m) => m.id)));
    setApplicant(h.members.find((m) => m.head)?.id ?? h.members[0]?.id ?? null);
    setAttached(null);
    setForms(null);
    setPreview(null);
    setPrinted(null);
  };

  const value = (field: string, v: unknown) => (typeof v === 'boolean' ? t(v ? 'residents.yes' : 'residents.no') : v === 'unknown' ? t('residents.unknown') : ct.plain(`value.${field}.${String(v)}`, String(v)));
  const checkText = (c: FactCheck) => t('residents.check', { member: c.member + 1, field: t(`residents.field.${c.field}`, { defaultValue: c.field }), answered: value(c.field, c.answered), data: value(c.field, c.data) });

  return (
    <section className="notice panel-form residents" aria-labelledby="residents-title" data-testid="residents">
      <div className="row">
        <h3 id="residents-title">{t('residents.title', { number: visit.number })}</h3>
        <span className="spacer" />
        {onClose ? (
          <button type="button" onClick={onClose} data-testid="residents-close">
            {t('residents.close')}
            <kbd>Esc</kbd>
          </button>
        ) : null}
      </div>
      <form
        className="resident-search row"
        role="search"
        aria-label={t('residents.searchLabel')}
        onSubmit={async (e) => {
          e.preventDefault();
          const found = await run(() =>
            call('residents.search', {
              ...(kana.trim() ? { kana: kana.trim() } : {}),
              ...(birthDate ? { birthDate } : {}),
              ...(householdNo.trim() ? { householdId: householdNo.trim() } : {}),
              visitId: visit.id,
              purpose: t('residents.purpose.search'),
            }),
          );
          if (found) setHits(found);
        }}
      >
        <label>
          {t('residents.kana')}
          <input ref={kanaRef} value={kana} onChange={(e) => setKana(e.target.value)} autoComplete="off" lang="ja" data-testid="resident-kana" />
        </label>
        <label>
          {t('residents.birthDate')}
          <input type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} data-testid="resident-birth" />
        </label>
        <label>
          {t('residents.householdId')}
          <input value={householdNo} onChange={(e) => setHouseholdNo(e.target.value)} inputMode="numeric" autoComplete="off" data-testid="resident-household-no" />
        </label>
        <button type="submit" className="primary" disabled={busy || (!kana.trim() && !birthDate && !householdNo.trim())} data-testid="resident-search">
          {t('residents.search')}
          <kbd>Enter</kbd>
        </button>
      </form>

      {error ? (
        <p role="alert" className="alert" data-testid="residents-error">
          {error}
        </p>
      ) : null}

      {hits ? (
        hits.length === 0 ? (
          <p role="status">{t('residents.none')}</p>
        ) : (
          <table className="resident-table" data-testid="resident-hits">
            <caption>{t('residents.hits', { count: hits.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('residents.name')}</th>
                <th scope="col">{t('residents.birthDate')}</th>
                <th scope="col">{t('residents.relationship')}</th>
                <th scope="col">{t('residents.address')}</th>
                <th scope="col">
                  <span className="sr-only">{t('residents.householdColumn')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {hits.map((h) => (
                <tr key={h.id} data-resident={h.id}>
                  <th scope="row">
                    <ruby>
                      {h.name}
                      <rt>{h.kana}</rt>
                    </ruby>
                  </th>
                  <td>{formatWareki(h.birthDate)}</td>
                  <td>{h.relationship}</td>
                  <td>{h.address}</td>
                  <td>
                    <button type="button" disabled={busy} onClick={() => void openHousehold(h.householdId)} data-testid="resident-open-household">
                      {t('residents.openHousehold', { id: h.householdId })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}

      {household ? (
        <fieldset className="resident-household" data-household={household.householdId} data-testid="resident-household">
          <legend>{t('residents.household', { id: household.householdId })}</legend>
          <table className="resident-table">
            <thead>
              <tr>
                <th scope="col">{t('residents.attachColumn')}</th>
                <th scope="col">{t('residents.applicant')}</th>
                <th scope="col">{t('residents.name')}</th>
                <th scope="col">{t('residents.birthDate')}</th>
                <th scope="col">{t('residents.relationship')}</th>
              </tr>
            </thead>
            <tbody>
              {household.members.map((m) => (
                <tr key={m.id} data-member={m.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('residents.attachMember', { name: m.name })}
                      checked={chosen.has(m.id)}
                      onChange={(e) => {
                        const next = new Set(chosen);
                        if (e.target.checked) next.add(m.id);
                        else next.delete(m.id);
                        setChosen(next);
                      }}
                    />
                  </td>
                  <td>
                    <input type="radio" name="applicant" aria-label={t('residents.applicantIs', { name: m.name })} checked={applicant === m.id} onChange={() => setApplicant(m.id)} />
                  </td>
                  <th scope="row">
                    <ruby>
                      {m.name}
                      <rt>{m.kana}</rt>
                    </ruby>
                  </th>
                  <td>{formatWareki(m.birthDate)}</td>
                  <td>{m.relationship}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="primary"
            disabled={busy || chosen.size === 0 || !applicant || !chosen.has(applicant)}
            data-testid="resident-attach"
            onClick={async () => {
              const ids = household.members.map((m) => m.id).filter((id) => chosen.has(id));
              const r = await run(() => call('residents.attach', { visitId: visit.id, residentIds: ids, ...(applicant ? { applicantId: applicant } : {}), purpose: t('residents.purpose.attach') }));
              if (!r) return;
              setAttached(r);
              setPreview(null);
              setPrinted(null);
              // Which forms the list now needs (names only: no resident data, not audited).
              setForms((await run(() => call('forms.list', { visitId: visit.id }))) ?? null);
            }}
          >
            {t('residents.attach')}
          </button>
        </fieldset>
      ) : null}

      {attached ? (
        <div className="resident-attached" data-testid="resident-attached">
          <p role="status">{t('residents.attached', { count: attached.visit.residentIds.length })}</p>
          {attached.added.length ? <p data-testid="resident-added">{t('residents.added', { list: attached.added.map((id) => ct.plain(`procedure.${id}`, id)).join('、') })}</p> : null}
          {attached.checks.length ? (
            <ul className="fact-checks sr-only" aria-label={t('residents.checks')} data-testid="resident-checks">
              {attached.checks.map((c) => (
                <li key={`${c.member}-${c.field}`}>{checkText(c)}</li>
              ))}
            </ul>
          ) : null}
          {attached.checks.length ? <FactDifferences visit={visit} checks={attached.checks} value={value} /> : null}
          {forms ? <p data-testid="forms-needed">{forms.length ? t('residents.formsNeeded', { list: forms.map((f) => f.name).join('・') }) : t('residents.noForms')}</p> : null}
          {preview ? (
            <div data-testid="forms-plan">
              <p>{t('residents.formsPlanned', { count: preview.forms.length, list: preview.forms.map((f) => f.name).join('・') })}</p>
              {(preview.skipped ?? []).length ? (
                <ul data-testid="forms-skipped">
                  {preview.skipped!.map((s) => (
                    <li key={s.id} data-skipped-form={s.id}>
                      {t('residents.formSkipped', { name: s.name, reason: t(`residents.skipReason.${s.reason}`, { defaultValue: s.reason }) })}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <div className="row">
            <button type="button" disabled={busy || forms?.length === 0} onClick={async () => setPreview((await run(() => call('forms.preview', { visitId: visit.id }))) ?? null)} data-testid="forms-preview">
              {t('residents.preview')}
            </button>
            <button
              type="button"
              className="primary"
              disabled={busy || !preview}
              title={preview ? undefined : t('residents.previewFirst')}
              onClick={async () => {
                const r = await run(() => call('forms.print', { visitId: visit.id }));
                if (r) setPrinted(r);
              }}
              data-testid="forms-print"
            >
              {preview ? t('residents.print', { count: preview.forms.length }) : t('residents.printAfterPreview')}
            </button>
          </div>
          <FormJobs visit={visit} />
        </div>
      ) : null}

      {printed ? (
        <p role="status" className="counter-message" data-testid="forms-printed">
          {/* The job's name, never the host's file path (a file printer's destination is a path). */}
          {t('residents.printed', { pages: printed.pages, count: printed.pages, printer: printed.destination.split(/[\\/]/).pop() })}
        </p>
      ) : null}

      {preview && previewUrl ? (
        <figure className="forms-preview">
          <figcaption>{t('residents.previewCaption', { forms: preview.forms.map((f) => f.name).join('・'), pages: preview.pages })}</figcaption>
          <iframe title={t('residents.previewTitle')} src={previewUrl} data-testid="forms-preview-frame" />
        </figure>
      ) : null}
    </section>
  );
}

/**
 * The PDF as a blob: URL for the preview frame (the page's CSP allows blob: frames, not data:),
 * released when the preview changes or the panel closes: it holds resident data.
 */
function usePdfUrl(doc: PdfDocument | null): string | null {
  const url = useMemo(() => {
    if (!doc) return null;
    const bin = atob(doc.pdfBase64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  }, [doc]);
  useEffect(() => () => {
    if (url) URL.revokeObjectURL(url);
  }, [url]);
  return url;
}

/**
 * データ連携判定: where the visitor's answers and the resident data differ, side by side. The data
 * is what the list now follows; the clerk confirms each difference with the visitor (one by one or
 * all at once), and the confirmation is recorded on the visit as a handoff note (an event, in the
 * timeline every counter sees). Differences not confirmed stay marked.
 */
function FactDifferences({ visit, checks, value }: { visit: VisitState; checks: FactCheck[]; value: (field: string, v: unknown) => string }) {
  const { t } = useTranslation('counter');
  const [accepted, setAccepted] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const errText = useErrorText();
  const key = (c: FactCheck) => `${c.member}-${c.field}`;
  const field = (c: FactCheck) => t(`residents.field.${c.field}`, { defaultValue: c.field });
  const accept = async (list: FactCheck[]) => {
    const fresh = list.filter((c) => !accepted.has(key(c)));
    if (fresh.length === 0) return;
    const text = t('residents.diffNote', {
      list: fresh.map((c) => t('residents.diffNoteItem', { member: c.member + 1, field: field(c), answered: value(c.field, c.answered), data: value(c.field, c.data) })).join('、'),
    });
    try {
      await call('counter.note', { visitId: visit.id, text });
      setAccepted(new Set([...accepted, ...fresh.map(key)]));
      setError(null);
    } catch (e) {
      setError(errText(e));
    }
  };
  return (
    <section aria-labelledby="diff-title" data-testid="fact-diffs">
      <div className="row">
        <h4 id="diff-title">{t('residents.diffTitle', { n: checks.length })}</h4>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => void accept(checks)} disabled={accepted.size === checks.length} data-testid="diff-accept-all">
          {t('residents.diffAcceptAll')}
        </button>
      </div>
      <table className="fact-diffs">
        <thead>
          <tr>
            <th scope="col">{t('residents.diffMember')}</th>
            <th scope="col">{t('residents.diffField')}</th>
            <th scope="col">{t('residents.diffAnswered')}</th>
            <th scope="col">{t('residents.diffData')}</th>
            <th scope="col">{t('residents.diffChoice')}</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((c) => (
            <tr key={key(c)} data-diff={key(c)} data-accepted={accepted.has(key(c)) || undefined}>
              <td className="num">{t('residents.diffMemberN', { n: c.member + 1 })}</td>
              <th scope="row">{field(c)}</th>
              <td>{value(c.field, c.answered)}</td>
              <td>
                <strong>{value(c.field, c.data)}</strong>
              </td>
              <td>
                {accepted.has(key(c)) ? (
                  <span className="badge">{t('residents.diffAccepted')}</span>
                ) : (
                  <button type="button" onClick={() => void accept([c])} data-testid="diff-accept">
                    {t('residents.diffAccept')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
