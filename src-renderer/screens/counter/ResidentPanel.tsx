import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachResult, FormsPrintOutcome, Household, PdfDocument, ResidentHit } from '../../../src-main/common/contract/residents';
import type { VisitState } from '../../../src-main/common/visit/state';
import { formatWareki } from '../../../src-main/common/wareki';
import { ApiError, call } from '../../api/client';

/**
 * 書かない窓口 at the counter: find the visitor in the resident data (kana, birth date or
 * household number), attach the household to the visit so its qualifications become facts, then
 * preview and print every form the list needs. Every step is audited on the main side; this panel
 * only says why (`purpose`).
 */
export function ResidentPanel({ visit, onClose }: { visit: VisitState; onClose?: () => void }) {
  const { t } = useTranslation('counter');
  const [kana, setKana] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [householdNo, setHouseholdNo] = useState('');
  const [hits, setHits] = useState<ResidentHit[] | null>(null);
  const [household, setHousehold] = useState<Household | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [applicant, setApplicant] = useState<string | null>(null);
  const [attached, setAttached] = useState<AttachResult | null>(null);
  const [preview, setPreview] = useState<PdfDocument | null>(null);
  const [printed, setPrinted] = useState<FormsPrintOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e instanceof ApiError ? `${e.field ? `${e.field}: ` : ''}${e.message}` : String(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const openHousehold = async (householdId: string) => {
    const h = await run(() => call('residents.household', { householdId, visitId: visit.id, purpose: t('residents.purpose.household', '世帯の確認（書かない窓口）') }));
    if (!h) return;
    setHousehold(h);
    setChosen(new Set(h.members.map((m) => m.id)));
    setApplicant(h.members.find((m) => m.head)?.id ?? h.members[0]?.id ?? null);
    setAttached(null);
    setPreview(null);
    setPrinted(null);
  };

  return (
    <section className="notice panel-form residents" aria-labelledby="residents-title">
      <h3 id="residents-title">{t('residents.title', '住民情報（書かない窓口） #{{number}}', { number: visit.number })}</h3>
      <form
        className="resident-search"
        onSubmit={async (e) => {
          e.preventDefault();
          const found = await run(() =>
            call('residents.search', {
              ...(kana.trim() ? { kana: kana.trim() } : {}),
              ...(birthDate ? { birthDate } : {}),
              ...(householdNo.trim() ? { householdId: householdNo.trim() } : {}),
              visitId: visit.id,
              purpose: t('residents.purpose.search', '来庁者の本人確認'),
            }),
          );
          if (found) setHits(found);
        }}
      >
        <label>
          {t('residents.kana', 'フリガナ')}
          <input value={kana} onChange={(e) => setKana(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t('residents.birthDate', '生年月日')}
          <input type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} />
        </label>
        <label>
          {t('residents.householdId', '世帯番号')}
          <input value={householdNo} onChange={(e) => setHouseholdNo(e.target.value)} inputMode="numeric" autoComplete="off" />
        </label>
        <button type="submit" disabled={busy || (!kana.trim() && !birthDate && !householdNo.trim())}>
          {t('residents.search', '検索')}
        </button>
        {onClose ? (
          <button type="button" onClick={onClose}>
            {t('residents.close', '閉じる')}
          </button>
        ) : null}
      </form>

      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}

      {hits ? (
        hits.length === 0 ? (
          <p>{t('residents.none', '該当する住民はいません')}</p>
        ) : (
          <table className="resident-hits">
            <caption>{t('residents.hits', '検索結果 {{count}}件', { count: hits.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('residents.name', '氏名')}</th>
                <th scope="col">{t('residents.birthDate', '生年月日')}</th>
                <th scope="col">{t('residents.relationship', '続柄')}</th>
                <th scope="col">{t('residents.address', '住所')}</th>
                <th scope="col" />
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
                    <button type="button" disabled={busy} onClick={() => void openHousehold(h.householdId)}>
                      {t('residents.openHousehold', '世帯 {{id}}', { id: h.householdId })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}

      {household ? (
        <fieldset className="resident-household" data-household={household.householdId}>
          <legend>{t('residents.household', '世帯 {{id}} の世帯員', { id: household.householdId })}</legend>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('residents.attachColumn', '連携')}</th>
                <th scope="col">{t('residents.applicant', '申請者')}</th>
                <th scope="col">{t('residents.name', '氏名')}</th>
                <th scope="col">{t('residents.birthDate', '生年月日')}</th>
                <th scope="col">{t('residents.relationship', '続柄')}</th>
              </tr>
            </thead>
            <tbody>
              {household.members.map((m) => (
                <tr key={m.id} data-member={m.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('residents.attachMember', '{{name}} を連携', { name: m.name })}
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
                    <input type="radio" name="applicant" aria-label={t('residents.applicantIs', '申請者: {{name}}', { name: m.name })} checked={applicant === m.id} onChange={() => setApplicant(m.id)} />
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
            disabled={busy || chosen.size === 0 || !applicant || !chosen.has(applicant)}
            onClick={async () => {
              const ids = household.members.map((m) => m.id).filter((id) => chosen.has(id));
              const r = await run(() => call('residents.attach', { visitId: visit.id, residentIds: ids, ...(applicant ? { applicantId: applicant } : {}), purpose: t('residents.purpose.attach', 'データ連携判定') }));
              if (r) setAttached(r);
            }}
          >
            {t('residents.attach', '来庁者に連携して判定')}
          </button>
        </fieldset>
      ) : null}

      {attached ? (
        <div className="resident-attached" role="status">
          <p>{t('residents.attached', '{{count}}人を連携しました。', { count: attached.visit.residentIds.length })}</p>
          {attached.added.length ? <p>{t('residents.added', '手続きを追加: {{list}}', { list: attached.added.join(', ') })}</p> : null}
          {attached.checks.length ? (
            <ul className="fact-checks">
              {attached.checks.map((c) => (
                <li key={`${c.member}-${c.field}`}>
                  {t('residents.check', '{{member}}人目 {{field}}: 聞取り {{answered}} → 連携データ {{data}}', { member: c.member + 1, field: c.field, answered: String(c.answered), data: String(c.data) })}
                </li>
              ))}
            </ul>
          ) : null}
          <button type="button" disabled={busy} onClick={async () => setPreview((await run(() => call('forms.preview', { visitId: visit.id }))) ?? null)}>
            {t('residents.preview', '届出書をプレビュー')}
          </button>
          <button
            type="button"
            disabled={busy || !preview}
            onClick={async () => {
              const r = await run(() => call('forms.print', { visitId: visit.id }));
              if (r) setPrinted(r);
            }}
          >
            {t('residents.print', 'すべて印刷')}
          </button>
        </div>
      ) : null}

      {preview ? (
        <figure className="forms-preview">
          <figcaption>{t('residents.previewCaption', '{{forms}}（{{pages}}頁）', { forms: preview.forms.map((f) => f.name).join('・'), pages: preview.pages })}</figcaption>
          <iframe title={t('residents.previewTitle', '届出書のプレビュー')} src={`data:application/pdf;base64,${preview.pdfBase64}`} style={{ width: '100%', height: '70vh', border: 0 }} />
        </figure>
      ) : null}

      {printed ? <p role="status">{t('residents.printed', '{{pages}}頁を {{printer}} に送りました', { pages: printed.pages, printer: printed.destination })}</p> : null}
    </section>
  );
}
