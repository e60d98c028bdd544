import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The hand-over QR code the concierge scans. Rendered as SVG (sharp at any zoom and in print) with
 * the code text under it, for when a camera cannot read a cracked phone screen.
 */
export function HandoverQr({ code, count }: { code: string; count: number }) {
  const { t } = useTranslation('guide');
  const [svg, setSvg] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Level M survives a scratched screen; the code is upper-case base32, so QR alphanumeric mode.
    // Loaded when the resident finishes: the first screen does not wait for the QR encoder.
    import('qrcode')
      .then(({ default: QRCode }) => QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } }))
      .then((s) => live && setSvg(s))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [code]);
  return (
    <div className="handover-qr">
      {error && (
        <p className="alert" role="alert">
          {t('qr.error', { message: error })}
        </p>
      )}
      {svg && <div className="qr" role="img" aria-label={t('qr.label', { n: count })} data-testid="handover-qr" dangerouslySetInnerHTML={{ __html: svg }} />}
      <p className="muted">{t('qr.code')}</p>
      <p className="code" data-testid="handover-code" translate="no">
        {code}
      </p>
    </div>
  );
}
