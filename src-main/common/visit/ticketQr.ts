/**
 * The QR on a ticket lets any counter open the visit, even while the LAN is down: it carries the
 * visit id, the number, the business date and the procedure ids. No names, ever.
 * Format: `MDG-T1|<visitId>|<businessDate>|<number>|<id,id,…>`.
 */
export const TICKET_QR_PREFIX = 'MDG-T1';

export interface TicketQr {
  visitId: string;
  businessDate: string;
  number: number;
  procedures: string[];
}

export function encodeTicketQr(t: TicketQr): string {
  return [TICKET_QR_PREFIX, t.visitId, t.businessDate, String(t.number), t.procedures.join(',')].join('|');
}

export function decodeTicketQr(s: string): TicketQr | null {
  const parts = s.trim().split('|');
  if (parts.length !== 5 || parts[0] !== TICKET_QR_PREFIX) return null;
  const [, visitId, businessDate, num, ids] = parts as [string, string, string, string, string];
  const number = Number(num);
  if (!/^[0-9a-f-]{36}$/i.test(visitId) || !/^\d{4}-\d{2}-\d{2}$/.test(businessDate) || !Number.isInteger(number)) return null;
  return { visitId, businessDate, number, procedures: ids ? ids.split(',') : [] };
}
