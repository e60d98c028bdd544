import { useEffect, useState } from 'react';
import { SURVEY_QUESTIONS, type SurveyQuestion } from '../../../src-main/common/contract/counter';
import { call } from '../../api/client';
import { useLive } from '../../api/hooks';
import { fixedT, i18n } from '../../i18n';
import './survey.css';
import { useErrorText } from '../../app/errorText';

/**
 * The visitor-facing satisfaction survey of a counter (a second screen turned to the visitor), in
 * the visitor's language. Five points per question, every question optional, one tap to skip.
 */
export default function SurveyScreen() {
  const live = useLive('survey.current', {});
  const errText = useErrorText();
  const offer = live.data?.offer ?? null;
  const lang = offer && i18n.exists('title', { ns: 'survey', lng: offer.lang }) ? offer.lang : 'ja';
  const t = fixedT(lang, 'survey');
  const [scores, setScores] = useState<Partial<Record<SurveyQuestion, number>>>({});
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setScores({});
    setError(null);
  }, [offer?.visitId]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  if (!offer || offer.answered || sent === offer.visitId) {
    return (
      <main className="survey survey-idle" lang={lang} data-testid="survey-idle">
        <h1>{sent && offer && sent === offer.visitId ? t('thanks') : t('idle')}</h1>
      </main>
    );
  }
  return (
    <main className="survey" lang={lang} data-testid="survey">
      <form
        aria-labelledby="survey-title"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await call('survey.answer', { visitId: offer.visitId, scores });
            setSent(offer.visitId);
          } catch (err) {
            setError(errText(err));
          }
        }}
      >
        <h1 id="survey-title">{t('title', { number: offer.number })}</h1>
        <p>{t('help')}</p>
        {SURVEY_QUESTIONS.map((q) => (
          <fieldset key={q} className="survey-q" data-question={q}>
            <legend>{t(`q.${q}`)}</legend>
            <div className="scale">
              {[1, 2, 3, 4, 5].map((n) => (
                <label key={n} className={scores[q] === n ? 'picked' : undefined}>
                  <input type="radio" name={q} value={n} checked={scores[q] === n} onChange={() => setScores((s) => ({ ...s, [q]: n }))} />
                  <span className="scale-n">{n}</span>
                  <span className="scale-label">{t(`scale.${n}`)}</span>
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary big" disabled={Object.keys(scores).length === 0} data-testid="survey-submit">
            {t('submit')}
          </button>
          <button type="button" className="big" onClick={() => setSent(offer.visitId)} data-testid="survey-skip">
            {t('skip')}
          </button>
        </div>
      </form>
    </main>
  );
}
