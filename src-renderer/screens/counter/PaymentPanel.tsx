import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FeeLine } from '../../../src-main/common/contract/counter';
import { PAYMENT_METHODS, type PaymentMethod } from '../../../src-main/common/visit/events';
import type { VisitState } from '../../../src-main/common/visit/state';
import { call } from '../../api/client';
import { useCatalogText } from '../../guidance/useCatalogText';
import type { Actions } from './Workstation';

/** Certificate fees from the catalog, a payment method (cash or cashless) and the receipt line. */
export function PaymentPanel({ visit, actions, busy, onClose }: { visit: VisitState; actions: Actions; busy: boolean; onClose: () => void }) {
  const { t } = useTranslation('counter');
  const ct = useCatalogText();
  const [fees, setFees] = useState<FeeLine[] | null>(null);
  const [qty, setQty] = useState<Record<string, number>>({});
  const [method, setMethod] = useState<PaymentMethod>('cash');
  const [receipt, setReceipt] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void call('counter.fees', { visitId: visit.id }).then((f) => {
      setFees(f);
      setQty(Object.fromEntries(f.filter((l) => l.onVisit).map((l) => [l.itemId, 1])));
    });
  }, [visit.id]);
  useEffect(() => {
    if (fees) first.current?.focus();
  }, [fees]);
  const lines = Object.entries(qty)
    .filter(([, n]) => n > 0)
    .map(([itemId, quantity]) => ({ itemId, quantity }));
  const total = lines.reduce((s, l) => s + l.quantity * (fees?.find((f) => f.itemId === l.itemId)?.unitPrice ?? 0), 0);
  return (
    <form
      className="notice panel-form payment"
      aria-labelledby="pay-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!lines.length) return;
        const r = await actions.pay(visit, method, lines);
        if (r) {
          setReceipt(r);
          // Paid: the panel empties, so nothing invites a second payment of the same fees.
          setQty({});
        }
      }}
    >
      <h3 id="pay-title">{t('pay.title', { number: visit.number })}</h3>
      {!fees ? (
        <p>{t('loading')}</p>
      ) : (
        <table className="fees">
          <caption className="sr-only">{t('pay.title', { number: visit.number })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('pay.item')}</th>
              <th scope="col">{t('pay.unit')}</th>
              <th scope="col">{t('pay.quantity')}</th>
            </tr>
          </thead>
          <tbody>
            {fees.map((f, i) => (
              <tr key={f.itemId} data-fee={f.itemId}>
                <th scope="row">
                  {ct(`procedure.${f.itemId}`, f.label)}
                  {f.onVisit && <span className="badge">{t('pay.onVisit')}</span>}
                </th>
                <td>¥{f.unitPrice.toLocaleString('ja-JP')}</td>
                <td>
                  <input
                    ref={i === 0 ? first : undefined}
                    type="number"
                    min={0}
                    max={99}
                    value={qty[f.itemId] ?? 0}
                    aria-label={t('pay.quantityOf', { name: ct(`procedure.${f.itemId}`, f.label) })}
                    onChange={(e) => setQty((q) => ({ ...q, [f.itemId]: Math.max(0, Math.min(99, Number(e.target.value) || 0)) }))}
                    data-testid="fee-qty"
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <fieldset>
        <legend>{t('pay.methodLabel')}</legend>
        <div className="row">
          {PAYMENT_METHODS.map((m) => (
            <label key={m} className="radio">
              <input type="radio" name="pay-method" value={m} checked={method === m} onChange={() => setMethod(m)} data-testid={`pay-${m}`} />
              {t(`pay.method.${m}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="row">
        <strong data-testid="pay-total">{t('pay.total', { amount: total.toLocaleString('ja-JP') })}</strong>
        <span className="spacer" />
        <button type="submit" className="primary" disabled={busy || !lines.length} data-testid="pay-confirm">
          {t('pay.confirm')}
        </button>
        <button type="button" onClick={onClose}>
          {t('action.close')}
          <kbd>Esc</kbd>
        </button>
      </div>
      {receipt && (
        <p role="status" className="receipt" data-testid="receipt">
          {receipt}
        </p>
      )}
    </form>
  );
}
