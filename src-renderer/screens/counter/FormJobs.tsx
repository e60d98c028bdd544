import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FormCalibration, FormJobView, FormsPrintAllOutcome } from '../../../src-main/common/contract/formPrint';
import type { VisitState } from '../../../src-main/common/visit/state';
import { ApiError, call } from '../../api/client';

/**
 * すべて印刷 where each form lives (the terminal's formPrinters: a dot-matrix printer with 複写式
 * sheets, pre-printed stock in a laser printer, or plain A4): one job per form with its state, a
 * reprint for any job, and the calibration dialog for the clerk beside the printer.
 */
export function FormJobs({ visit }: { visit: VisitState }) {
  const { t } = useTranslation('counter');
  const [jobs, setJobs] = useState<FormJobView[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [calibrating, setCalibrating] = useState(false);

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

  return (
    <div className="form-jobs" data-testid="form-jobs">
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy}
          data-testid="forms-print-all"
          onClick={async () => {
            const r: FormsPrintAllOutcome | undefined = await run(() => call('forms.printAll', { visitId: visit.id }));
            if (r) setJobs(r.jobs);
          }}
        >
          {t('formJobs.printAll')}
        </button>
        <button type="button" disabled={busy} onClick={() => setCalibrating(true)} data-testid="forms-calibrate-open">
          {t('formJobs.calibrate')}
        </button>
      </div>
      {error ? (
        <p role="alert" className="counter-error">
          {error}
        </p>
      ) : null}
      {jobs.length ? (
        <table className="form-jobs-table" data-testid="form-jobs-table">
          <caption>{t('formJobs.title')}</caption>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id} data-state={j.status}>
                <td>{t('formJobs.job', { form: j.formName, mode: t(`formJobs.mode.${j.mode}`), printer: j.printer })}</td>
                <td role="status">{t(`formJobs.state.${j.status}`)}</td>
                <td>
                  {j.status === 'failed' ? <span className="counter-error">{t('formJobs.failedHint', { error: j.error ?? '' })}</span> : null}
                  {j.status === 'printed' && j.error ? <span className="counter-error">{t('formJobs.waiting', { error: j.error })}</span> : null}
                  <button
                    type="button"
                    disabled={busy}
                    data-testid={`form-job-reprint-${j.form}`}
                    onClick={async () => {
                      const r = await run(() => call('forms.reprint', { jobId: j.id }));
                      if (r) setJobs((all) => all.map((x) => (x.id === j.id ? r : x)));
                    }}
                  >
                    {t('formJobs.reprint')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {calibrating ? <CalibrationDialog onClose={() => setCalibrating(false)} /> : null}
    </div>
  );
}

/** 位置合わせ: print the grid sheet on the form's printer, measure, store dx/dy for this printer and form. */
export function CalibrationDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation('counter');
  const [list, setList] = useState<FormCalibration[] | null>(null);
  const [form, setForm] = useState('');
  const [dx, setDx] = useState('0');
  const [dy, setDy] = useState('0');
  const [msg, setMsg] = useState<string | null>(null);
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
  useEffect(() => {
    void run(() => call('forms.calibration', {})).then((l) => {
      setList(l ?? []);
      const first = l?.[0];
      if (first) {
        setForm(first.form);
        setDx(String(first.dx));
        setDy(String(first.dy));
      }
    });
    // Once, when the dialog opens.
  }, []);
  const pick = (id: string) => {
    setForm(id);
    const c = list?.find((x) => x.form === id);
    setDx(String(c?.dx ?? 0));
    setDy(String(c?.dy ?? 0));
  };
  const done = (c: FormCalibration | undefined) => {
    if (!c) return;
    setList((l) => (l ?? []).map((x) => (x.form === c.form ? { ...x, dx: c.dx, dy: c.dy } : x)));
    setMsg(c.printed?.status === 'failed' ? t('formJobs.failedHint', { error: c.printed.error ?? '' }) : t('formJobs.saved', { dx: c.dx, dy: c.dy }));
  };

  return (
    <div role="dialog" aria-modal="true" aria-labelledby="calibration-title" className="calibration-dialog" data-testid="calibration-dialog">
      <h4 id="calibration-title">{t('formJobs.calibrateTitle')}</h4>
      <p>{t('formJobs.explain')}</p>
      {list && list.length === 0 ? <p role="status">{t('formJobs.none')}</p> : null}
      {list && list.length ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            done(await run(() => call('forms.calibrate', { form, dx: Number(dx), dy: Number(dy), print: true })));
          }}
        >
          <label>
            {t('formJobs.form')}
            <select value={form} onChange={(e) => pick(e.target.value)} data-testid="calibration-form">
              {list.map((c) => (
                <option key={c.form} value={c.form}>
                  {c.form} — {c.printer}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('formJobs.dx')}
            <input type="number" step="0.1" min={-50} max={50} value={dx} onChange={(e) => setDx(e.target.value)} data-testid="calibration-dx" />
          </label>
          <label>
            {t('formJobs.dy')}
            <input type="number" step="0.1" min={-50} max={50} value={dy} onChange={(e) => setDy(e.target.value)} data-testid="calibration-dy" />
          </label>
          <div className="row">
            <button type="button" disabled={busy || !form} onClick={async () => done(await run(() => call('forms.calibrate', { form, print: true })))} data-testid="calibration-print">
              {t('formJobs.printGrid')}
            </button>
            <button type="submit" className="primary" disabled={busy || !form} data-testid="calibration-save">
              {t('formJobs.save')}
            </button>
          </div>
        </form>
      ) : null}
      {msg ? (
        <p role="status" data-testid="calibration-message">
          {msg}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="counter-error">
          {error}
        </p>
      ) : null}
      <button type="button" onClick={onClose} data-testid="calibration-close">
        {t('formJobs.close')}
      </button>
    </div>
  );
}
