import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Facts, LifeEvent } from '../../../src-main/common/guidance/facts';
import { answersFromFacts, HandoverError, readHandover } from '../../../src-main/common/handover';
import type { Answers } from '../../../src-main/common/questions';

/** The part of the BarcodeDetector API we use (Chromium; not in TypeScript's DOM types yet). */
interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
type DetectorCtor = new (opts: { formats: string[] }) => Detector;

/** A scanner types a whole code without pausing; a longer pause starts over. */
const SCAN_PAUSE_MS = 1000;

/**
 * The concierge's side of the online guide's hand-over: a USB scanner types the code like a
 * keyboard and presses Enter (into this field, or anywhere on the screen that is not a text
 * field), or the terminal's camera reads it where the browser has BarcodeDetector. A good code
 * opens the visit with the guide's facts (and the language the guide was read in); anything else
 * says what it was.
 */
export function HandoverInput({ onHandover }: { onHandover: (events: LifeEvent[], answers: Answers, facts: Facts, lang?: string) => void }) {
  const { t: tr, i18n } = useTranslation('guide');
  // The guide's strings exist in Japanese and English first; other kiosk languages fall back to Japanese.
  const t = (key: string, opts: Record<string, unknown> = {}) => (i18n.exists(key, { ns: 'guide' }) ? tr(key, opts) : tr(key, { ...opts, lng: 'ja' }));
  const id = useId();
  const [text, setText] = useState('');
  // Kept as a key, not a text, so the message follows a change of the screen's language.
  const [message, setMessage] = useState<{ kind: 'notice' | 'alert'; key: string; params: Record<string, unknown>; events?: LifeEvent[] } | null>(null);
  const [camera, setCamera] = useState<'off' | 'on' | 'unsupported'>('off');
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);

  // The screen passes a new callback on every render; the scan listener must outlive those renders.
  const latest = useRef(onHandover);
  latest.current = onHandover;

  const read = useCallback(
    (code: string) => {
      try {
        const { facts, lang } = readHandover(code);
        latest.current(facts.events, answersFromFacts(facts), facts, lang);
        setMessage({ kind: 'notice', key: 'handover.loaded', params: { n: facts.members.length }, events: facts.events });
      } catch (e) {
        const problem = e instanceof HandoverError ? e.problem : 'damaged';
        setMessage({ kind: 'alert', key: `handover.problem.${problem}`, params: { message: (e as Error).message } });
      }
      // Cleared either way: the next scan must not be typed after the last one.
      setText('');
    },
    [],
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    read(text);
  };

  // A scan while focus is on a button: collect what looks like a code and read it at its Enter.
  useEffect(() => {
    let buffer = '';
    let last = 0;
    const onKey = (e: KeyboardEvent) => {
      const el = document.activeElement;
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el as HTMLElement | null)?.isContentEditable) return;
      const now = performance.now();
      if (now - last > SCAN_PAUSE_MS) buffer = '';
      last = now;
      if (e.key === 'Enter' && !e.ctrlKey && /^MDG-./i.test(buffer)) {
        e.preventDefault();
        const code = buffer;
        buffer = '';
        read(code);
        return;
      }
      if (e.key.length !== 1 || e.ctrlKey || e.altKey || e.metaKey) return;
      buffer += e.key;
      // Only a burst that starts like a code is kept; anything else is someone using the screen.
      if (!/^MDG-/i.test(buffer) && !'MDG-'.startsWith(buffer.toUpperCase())) buffer = /^m$/i.test(e.key) ? e.key : '';
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [read]);

  const stopCamera = useCallback(() => {
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    setCamera((c) => (c === 'on' ? 'off' : c));
  }, []);

  useEffect(() => stopCamera, [stopCamera]);

  const startCamera = async () => {
    const Ctor = (window as unknown as { BarcodeDetector?: DetectorCtor }).BarcodeDetector;
    if (!Ctor || !navigator.mediaDevices?.getUserMedia) {
      setCamera('unsupported');
      return;
    }
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      setCamera('on');
    } catch (e) {
      setMessage({ kind: 'alert', key: 'handover.cameraError', params: { message: (e as Error).message } });
    }
  };

  useEffect(() => {
    if (camera !== 'on' || !video.current || !stream.current) return;
    const Ctor = (window as unknown as { BarcodeDetector: DetectorCtor }).BarcodeDetector;
    const detector = new Ctor({ formats: ['qr_code'] });
    const v = video.current;
    v.srcObject = stream.current;
    void v.play();
    let live = true;
    const tick = async () => {
      if (!live) return;
      try {
        const found = v.readyState >= 2 ? await detector.detect(v) : [];
        const code = found.find((f) => f.rawValue)?.rawValue;
        if (code && live) {
          stopCamera();
          read(code);
          return;
        }
      } catch {
        // A frame the detector could not use: try the next one.
      }
      setTimeout(() => void tick(), 250);
    };
    void tick();
    return () => {
      live = false;
    };
  }, [camera, read, stopCamera]);

  return (
    <form className="handover-input" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid="handover">
      <strong id={`${id}-title`}>{t('handover.title')}</strong>
      <div className="row">
        <label htmlFor={`${id}-code`}>{t('handover.label')}</label>
        <input
          id={`${id}-code`}
          value={text}
          onChange={(e) => setText(e.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          data-testid="handover-code-input"
        />
        <button type="submit">{t('handover.submit')}</button>
        {camera === 'on' ? (
          <button type="button" onClick={stopCamera}>
            {t('handover.cameraStop')}
          </button>
        ) : (
          <button type="button" onClick={() => void startCamera()} data-testid="handover-camera">
            {t('handover.camera')}
          </button>
        )}
      </div>
      {camera === 'on' && <video ref={video} muted playsInline aria-label={t('handover.cameraVideo')} style={{ maxWidth: '100%', maxHeight: 240 }} />}
      {camera === 'unsupported' && (
        <p className="notice" role="status" data-testid="handover-no-camera">
          {t('handover.noCamera')}
        </p>
      )}
      {message && (
        <p className={message.kind} role={message.kind === 'alert' ? 'alert' : 'status'} data-testid="handover-message">
          {t(message.key, { ...message.params, events: (message.events ?? []).map((e) => tr(`event.${e}`, { ns: 'catalog', defaultValue: e })).join(' · ') })}
        </p>
      )}
    </form>
  );
}
