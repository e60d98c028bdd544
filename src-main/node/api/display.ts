import type { DisplayState } from '../../common/contract/counter';
import type { App } from '../app/app';
import { terminalWaits } from '../wait/terminalWaits';

/**
 * 呼出表示: recent calls, who is at which counter and how many wait per department — all folded
 * from today's visits, so a display that reconnects shows the truth without replaying pushes.
 */
export function registerDisplay(app: App): void {
  const { visits, config } = app.terminal;
  app.registry.register('display.state', (input): DisplayState => {
    const today = visits.visitsOn();
    const calls: DisplayState['recent'] = [];
    for (const v of today) {
      for (const e of v.timeline) {
        if ((e.type === 'called' || e.type === 'recalled') && e.counter && e.department) calls.push({ number: v.number, counter: e.counter, department: e.department, at: e.at, lang: v.lang });
      }
    }
    calls.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.number - a.number));
    const seen = new Set<number>();
    const recent = calls.filter((c) => (seen.has(c.number) ? false : (seen.add(c.number), true))).slice(0, input.limit);

    const counters = config.terminals
      .filter((t) => t.role === 'counter' && t.department && t.counter)
      .map((t) => {
        const v = today.find((x) => (x.status === 'called' || x.status === 'serving') && x.call?.counter === t.counter && x.call?.department === t.department);
        return { counter: t.counter!, department: t.department!, number: v?.number ?? null, status: v ? (v.status as 'called' | 'serving') : null };
      });

    const waiting = new Map<string, number>();
    for (const c of counters) waiting.set(c.department, 0);
    for (const v of today) {
      if (v.status !== 'waiting') continue;
      const d = v.route[v.stop];
      if (d) waiting.set(d, (waiting.get(d) ?? 0) + 1);
    }
    const waits = terminalWaits(visits);
    return { businessDate: visits.today(), recent, counters, waiting: [...waiting].map(([department, count]) => ({ department, count, estimateMinutes: waits.department(department).estimateMinutes })) };
  });
}
