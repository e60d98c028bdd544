/** Simulated time: the store's injected clock reads `now`, the driver moves it. */
export class SimClock {
  constructor(public now: number) {}
  readonly read = (): number => this.now;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The instant of a local wall-clock time (`HH:MM`) on a date in a time zone. */
export function localInstant(date: string, hhmm: string, timeZone: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), h, m);
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    offsetFormatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(guess)).map((p) => [p.type, p.value]));
  const asLocal = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return guess - (asLocal - guess);
}
