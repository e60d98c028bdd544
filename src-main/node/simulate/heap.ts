/** Time-ordered agenda of the simulation; ties run in the order they were scheduled. */
export interface Agenda<T> {
  at: number;
  seq: number;
  item: T;
}

export class MinHeap<T> {
  private a: Array<Agenda<T>> = [];
  private seq = 0;

  get size(): number {
    return this.a.length;
  }

  push(at: number, item: T): void {
    const n = { at, seq: this.seq++, item };
    const a = this.a;
    a.push(n);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Agenda<T> | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (!top || !last || a.length === 0) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && less(a[l]!, a[m]!)) m = l;
      if (r < a.length && less(a[r]!, a[m]!)) m = r;
      if (m === i) break;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
    return top;
  }
}

function less<T>(x: Agenda<T>, y: Agenda<T>): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}
