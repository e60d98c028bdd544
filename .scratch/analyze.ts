import Database from 'better-sqlite3';
import { join } from 'node:path';
import { addDays } from '../src-main/common/dates/isoDate';
import { applyVisitEvent } from '../src-main/common/visit/fold';
import { isVisitEventType, type VisitEvent } from '../src-main/common/visit/events';
import { queueRank, type VisitState } from '../src-main/common/visit/state';
import { WaitEstimator } from '../src-main/common/wait/estimate';
import { buildWaitPrior } from '../src-main/common/wait/prior';
const DIR = process.argv[2]!;
const TZ = 'Asia/Tokyo';
const db = new Database(join(DIR, 'madoguchi.sqlite'), { readonly: true });
const finalByDay = new Map<string, VisitState[]>();
for (const r of db.prepare('SELECT business_date AS d, state FROM visits').iterate() as Iterable<{ d: string; state: string }>) {
  const v = JSON.parse(r.state) as VisitState;
  (finalByDay.get(r.d) ?? finalByDay.set(r.d, []).get(r.d)!).push(v);
}
const finalById = new Map<string, VisitState>();
for (const l of finalByDay.values()) for (const v of l) finalById.set(v.id, v);
const days = [...finalByDay.keys()].sort();
const evalFrom = days[Math.min(days.length - 1, 10)]!;
const onlyDays = Number(process.env.DAYS ?? 2);
let day = ''; let today = new Map<string, VisitState>(); let prior = buildWaitPrior([], TZ);
const rows: Array<{ est: number; naive: number; actual: number; ahead: number; dept: string; counters: number; service: number; hour: number }> = [];
let evalDays = 0;
for (const row of db.prepare('SELECT type, payload FROM events ORDER BY hlc, origin, seq').iterate() as Iterable<{ type: string; payload: string }>) {
  if (!isVisitEventType(row.type)) continue;
  const ev = { type: row.type, payload: JSON.parse(row.payload) } as VisitEvent;
  if (ev.type === 'visit.issued' && ev.payload.businessDate !== day) {
    if (day >= evalFrom) evalDays++;
    if (evalDays >= onlyDays) break;
    day = ev.payload.businessDate; today = new Map();
    prior = buildWaitPrior([1, 2, 3, 4].flatMap((w) => finalByDay.get(addDays(day, -7 * w)) ?? []), TZ);
  }
  const id = ev.payload.visitId;
  const next = applyVisitEvent(today.get(id), ev);
  if (next) today.set(id, next);
  if (ev.type !== 'visit.issued' || day < evalFrom || !next) continue;
  const fin = finalById.get(id)!; const calledAt = fin.stops[0]?.firstCalledAt;
  if (!calledAt) continue;
  const now = Date.parse(ev.payload.at);
  const est = new WaitEstimator(today.values(), { now, timeZone: TZ, prior, ...(process.env.HL ? { halfLifeMinutes: Number(process.env.HL) } : {}) });
  const w = est.forVisit(next)!;
  const d = next.route[0]!;
  let ahead = 0; const cs = new Set<string>();
  for (const x of today.values()) { if (x.route[x.stop] !== d || x.id === id) continue; if ((x.status === 'called' || x.status === 'serving') && x.call) cs.add(x.call.counter); if (x.status === 'waiting' && (queueRank(x) > queueRank(next) || (queueRank(x) === queueRank(next) && x.issuedAt < next.issuedAt))) ahead++; }
  const naive = (ahead * (prior.overall[d]?.seconds ?? 600)) / 60 / Math.max(1, cs.size);
  const v1 = (ahead * (prior.overall[d]?.seconds ?? 600)) / 60 / est.openCounters(d); const v2 = (ahead * est.serviceSeconds(d)) / 60 / Math.max(1, cs.size);
  (globalThis as any).V = (globalThis as any).V ?? []; (globalThis as any).V.push({ v1: Math.abs(v1 - (Date.parse(calledAt) - now) / 60000), v2: Math.abs(v2 - (Date.parse(calledAt) - now) / 60000), ahead, hold: cs.size, oc: est.openCounters(d) });
  if (ahead > 20 && Math.random() < 0.03) console.log('DBG', JSON.stringify({ ahead, wAhead: w.ahead, c: est.openCounters(d), S: Math.round(est.serviceSeconds(d)), model: w.minutes, simple: +(((ahead + 1) * est.serviceSeconds(d)) / 60 / est.openCounters(d)).toFixed(1), actual: +((Date.parse(calledAt) - now) / 60000).toFixed(1) }));
  rows.push({ est: w.minutes, naive, actual: (Date.parse(calledAt) - now) / 60000, ahead, dept: d, counters: est.openCounters(d), service: est.serviceSeconds(d), hour: new Date(now).getUTCHours() + 9 });
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? NaN; };
const report = (name: string, rs: typeof rows) => {
  if (!rs.length) return;
  console.log(name, 'n', rs.length, 'actual med', med(rs.map((r) => r.actual)).toFixed(2),
    '| model mae', (rs.reduce((a, r) => a + Math.abs(r.est - r.actual), 0) / rs.length).toFixed(2), 'med', med(rs.map((r) => Math.abs(r.est - r.actual))).toFixed(2), 'bias', med(rs.map((r) => r.est - r.actual)).toFixed(2),
    '| naive mae', (rs.reduce((a, r) => a + Math.abs(r.naive - r.actual), 0) / rs.length).toFixed(2), 'med', med(rs.map((r) => Math.abs(r.naive - r.actual))).toFixed(2), 'bias', med(rs.map((r) => r.naive - r.actual)).toFixed(2));
};
report('all', rows);
report('ahead>0', rows.filter((r) => r.ahead > 0));
report('actual>2', rows.filter((r) => r.actual > 2));
for (const d of [...new Set(rows.map((r) => r.dept))]) report(d, rows.filter((r) => r.dept === d && r.ahead > 0));
for (const h of [9, 10, 11, 13, 14, 16]) report('h' + h, rows.filter((r) => r.hour === h && r.ahead > 0));
const some = rows.filter((r) => r.ahead > 0).slice(0, 400).filter((_, i) => i % 20 === 0);
for (const r of some) console.log(JSON.stringify({ ...r, actual: +r.actual.toFixed(1), naive: +r.naive.toFixed(1), service: Math.round(r.service) }));

const V = (globalThis as any).V.filter((x: any) => x.ahead > 0);
console.log('v1 (our counters, prior service) med', med(V.map((x: any) => x.v1)), 'v2 (our service, holders) med', med(V.map((x: any) => x.v2)));
console.log('counters diff', V.slice(0, 600).filter((_: any, i: number) => i % 30 === 0).map((x: any) => `${x.hold}/${x.oc}`).join(' '));
