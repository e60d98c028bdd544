import type { VisitState } from '../visit/state';

/**
 * The supervisor's live view, folded from today's visits: per department, how many wait, are
 * called or served, how long the waiting have waited, and which counters are open (serving now or
 * active within the last `openWindowMinutes`).
 */
export interface LiveCounter {
  counter: string;
  status: 'called' | 'serving' | 'idle';
  number: number | null;
  lastActiveAt: string | null;
}

export interface LiveDepartment {
  department: string;
  /** Set only when the board holds more than one site: each site's line and counters are its own. */
  site?: string;
  waiting: number;
  called: number;
  serving: number;
  noShow: number;
  /** Seconds the longest-waiting visitor has waited here so far. */
  longestWait: number | null;
  meanWait: number | null;
  /** Seconds from arrival to first call, for visits first called in the last hour. */
  recentWait: number | null;
  openCounters: number;
  counters: LiveCounter[];
}

export interface LiveBoard {
  businessDate: string;
  at: string;
  issued: number;
  completed: number;
  inProgress: number;
  departments: LiveDepartment[];
}

export function liveBoard(visits: readonly VisitState[], opts: { businessDate: string; now: number; configuredCounters?: ReadonlyArray<{ department: string; counter: string }>; openWindowMinutes?: number }): LiveBoard {
  const windowMs = (opts.openWindowMinutes ?? 30) * 60_000;
  const deps = new Map<string, LiveDepartment & { waits: number[]; recent: number[]; counterMap: Map<string, LiveCounter> }>();
  const dep = (d: string) => {
    let e = deps.get(d);
    if (!e) {
      e = { department: d, waiting: 0, called: 0, serving: 0, noShow: 0, longestWait: null, meanWait: null, recentWait: null, openCounters: 0, counters: [], waits: [], recent: [], counterMap: new Map() };
      deps.set(d, e);
    }
    return e;
  };
  const counterOf = (d: string, c: string) => {
    const e = dep(d);
    let x = e.counterMap.get(c);
    if (!x) e.counterMap.set(c, (x = { counter: c, status: 'idle', number: null, lastActiveAt: null }));
    return x;
  };
  for (const c of opts.configuredCounters ?? []) counterOf(c.department, c.counter);
  let completed = 0;
  let inProgress = 0;
  for (const v of visits) {
    if (v.status === 'done') completed++;
    else if (v.status !== 'cancelled') inProgress++;
    for (const t of v.timeline) {
      if (!t.department || !t.counter) continue;
      const c = counterOf(t.department, t.counter);
      if (!c.lastActiveAt || t.at > c.lastActiveAt) c.lastActiveAt = t.at;
    }
    for (const s of v.stops) {
      if (!s.firstCalledAt || !s.arrivedAt) continue;
      const calledAt = Date.parse(s.firstCalledAt);
      if (opts.now - calledAt <= 60 * 60_000) dep(s.department).recent.push((calledAt - Date.parse(s.arrivedAt)) / 1000);
    }
    const here = v.route[v.stop];
    if (!here || v.status === 'done' || v.status === 'cancelled') continue;
    const e = dep(here);
    if (v.status === 'waiting') {
      e.waiting++;
      const arrived = v.stops[v.stop]?.arrivedAt;
      if (arrived) e.waits.push(Math.max(0, (opts.now - Date.parse(arrived)) / 1000));
    } else if (v.status === 'called') e.called++;
    else if (v.status === 'serving') e.serving++;
    else if (v.status === 'no-show') e.noShow++;
    if ((v.status === 'called' || v.status === 'serving') && v.call) {
      const c = counterOf(here, v.call.counter);
      c.status = v.status;
      c.number = v.number;
    }
  }
  const departments = [...deps.values()].map((e): LiveDepartment => {
    const counters = [...e.counterMap.values()].sort((a, b) => a.counter.localeCompare(b.counter, 'en', { numeric: true }));
    const open = counters.filter((c) => c.status !== 'idle' || (c.lastActiveAt !== null && opts.now - Date.parse(c.lastActiveAt) <= windowMs)).length;
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    return {
      department: e.department,
      waiting: e.waiting,
      called: e.called,
      serving: e.serving,
      noShow: e.noShow,
      longestWait: e.waits.length ? Math.max(...e.waits) : null,
      meanWait: mean(e.waits),
      recentWait: mean(e.recent),
      openCounters: open,
      counters,
    };
  });
  departments.sort((a, b) => b.waiting - a.waiting || a.department.localeCompare(b.department));
  return { businessDate: opts.businessDate, at: new Date(opts.now).toISOString(), issued: visits.length, completed, inProgress, departments };
}

/**
 * The live board of a database that holds several sites (a supervisor's: every site of the
 * municipality). Each site's departments are lines of their own, with their own counters (two
 * buildings may both have 市民課 counter 3 and both issue #1001); with one site it is liveBoard's.
 * `configuredCounters` are those of `ownSite`.
 */
export function liveBoardBySite(
  visits: readonly VisitState[],
  siteOf: (v: VisitState) => string,
  opts: Parameters<typeof liveBoard>[1] & { ownSite: string },
): LiveBoard {
  const bySite = new Map<string, VisitState[]>([[opts.ownSite, []]]);
  for (const v of visits) {
    const site = siteOf(v);
    const list = bySite.get(site);
    if (list) list.push(v);
    else bySite.set(site, [v]);
  }
  if (bySite.size === 1) return liveBoard(visits, opts);
  const boards = [...bySite].map(([site, vs]) => ({ site, board: liveBoard(vs, { ...opts, configuredCounters: site === opts.ownSite ? opts.configuredCounters : [] }) }));
  const departments = boards.flatMap(({ site, board }) => board.departments.map((d) => ({ ...d, site })));
  departments.sort((a, b) => b.waiting - a.waiting || a.department.localeCompare(b.department) || a.site.localeCompare(b.site));
  const sum = (k: 'issued' | 'completed' | 'inProgress') => boards.reduce((n, b) => n + b.board[k], 0);
  return { businessDate: opts.businessDate, at: new Date(opts.now).toISOString(), issued: sum('issued'), completed: sum('completed'), inProgress: sum('inProgress'), departments };
}
