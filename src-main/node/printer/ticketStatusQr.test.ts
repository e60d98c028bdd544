import { describe, expect, it } from 'vitest';
import { statusPageUrl } from '../kiosk/ticketDesk';
import { decodeEscPos, decodedText } from './decode';
import { renderTicket, type TicketPrint } from './ticketLayout';

const ticket: TicketPrint = {
  cityName: '伊勢崎市',
  title: '総合窓口',
  number: 1023,
  stationName: '東口',
  issuedAt: '2026-11-26T00:12:00Z',
  firstStop: { name: '総合窓口', counter: '1番窓口' },
  laterStops: [],
  waitingAhead: 3,
  estimatedWaitMin: 15,
  qrPayload: 'MDG-T1|00000000-0000-4000-8000-000000000001|2026-11-26|1023|tennyu',
  lang: 'vi',
};

describe('the ticket: estimate and status QR', () => {
  it('prints 約15分 and, when a relay is configured, a second QR with the phone page of the number', () => {
    const url = statusPageUrl('https://status.city.example/', 'honcho', 1023, 'vi');
    expect(url).toBe('https://status.city.example/s/honcho/1023?lang=vi');
    const items = decodeEscPos(renderTicket({ ...ticket, statusUrl: url }));
    expect(decodedText(items)).toContain('お待ちの方 3 人 (約 15 分)');
    const qrs = items.filter((i) => i.type === 'qr').map((i) => (i as { payload: string }).payload);
    expect(qrs).toEqual([ticket.qrPayload, url]);
  });

  it('prints only the counter QR without a relay', () => {
    const qrs = decodeEscPos(renderTicket(ticket)).filter((i) => i.type === 'qr');
    expect(qrs).toHaveLength(1);
  });
});
