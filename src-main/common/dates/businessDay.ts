const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per zone: building one costs far more than formatting (every visit operation asks for today). */
function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, f);
  }
  return f;
}

/** The local business date (YYYY-MM-DD) of an instant in the city's time zone. */
export function businessDate(at: Date | string | number, timeZone: string): string {
  const d = at instanceof Date ? at : new Date(at);
  const ms = d.getTime();
  const last = lastAsked.get(timeZone);
  if (last && last.ms === ms) return last.date;
  const parts = dateFormat(timeZone).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  lastAsked.set(timeZone, { ms, date });
  return date;
}

/** The last instant asked per zone and its date: one operation (and a simulated minute) asks for the same instant's date again and again. */
const lastAsked = new Map<string, { ms: number; date: string }>();

/** Local clock time HH:MM of an instant in the city's time zone. */
export function localTime(at: Date | string | number, timeZone: string): string {
  const d = at instanceof Date ? at : new Date(at);
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** Local hour 0–23 of an instant. */
export function localHour(at: Date | string | number, timeZone: string): number {
  return Number(localTime(at, timeZone).slice(0, 2));
}
