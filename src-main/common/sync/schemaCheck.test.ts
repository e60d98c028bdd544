import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { mulberry32 } from '../guidance/generate';
import { EVENT_RULES, checkEventPayload, utf8Length } from './authorisation';
import { LIMITS, isWellFormedWireEvent, pullResponseSchema, wireEventSchema } from './protocol';
import { compileSchemaCheck } from './schemaCheck';

/**
 * The precompiled checks of a catch-up (issue 15) must answer exactly as the zod schemas they
 * stand for: on values generated from each schema, most valid, some with one part wrong (a
 * boundary length, a wrong type, a missing or extra key, a pattern not met).
 * Replay a failure with MADOGUCHI_SEED=<seed>.
 */
const SEED = Number(process.env.MADOGUCHI_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SAMPLES = 1000;

type Def = { type: string; checks?: Array<{ _zod: { def: Record<string, unknown> } }>; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; entries?: Record<string, unknown> };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const ODD: unknown[] = [undefined, null, 0, -1, 1.5, NaN, Infinity, '', 'x', 'a'.repeat(90), [], {}, true, '2026-11-27', { a: 1 }, [1, 'a']];
const STRINGS = ['2026-11-27', '2026-1-27', '0123456789abcdef'.repeat(4), '0123456789ABCDEF'.repeat(4), 'kiosk-east', 'Kiosk', 'ja', '窓口', '😀', 'visit.issued', '-x', 'shimin'];

function generator(seed: number) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  // Half the samples are made clean (every part valid where the generator can tell), the rest
  // with a few parts wrong.
  let clean = false;
  const wrong = () => !clean && rand() < 0.04;
  const odd = (p: number) => !clean && rand() < p;
  function sample(s: z.ZodType): unknown {
    clean = rand() < 0.5;
    return value(s);
  }
  function value(s: z.ZodType, depth = 0): unknown {
    if (wrong()) return pick(ODD);
    const d = defOf(s);
    const checks = (d.checks ?? []).map((c) => c._zod.def);
    const num = (k: string) => checks.find((c) => c.check === k) as { minimum?: number; maximum?: number; value?: number } | undefined;
    switch (d.type) {
      case 'string': {
        const min = num('min_length')?.minimum ?? 0;
        const max = num('max_length')?.maximum ?? 30;
        if (checks.some((c) => c.check === 'string_format') || rand() < 0.2) return pick(clean ? STRINGS.filter((x) => s.safeParse(x).success).concat('') : STRINGS);
        const lengths = [min, max, Math.min(max, min + 3), odd(0.1) ? max + 1 : min, odd(0.1) ? Math.max(0, min - 1) : max];
        return pick(['a', 'é', '日']).repeat(pick(lengths));
      }
      case 'number': {
        const lo = num('greater_than')?.value ?? -5;
        const hi = num('less_than')?.value ?? 5;
        return pick([lo, hi, lo + 1, Math.floor((lo + hi) / 2), odd(0.1) ? lo - 1 : lo, odd(0.1) ? hi + 1 : hi, odd(0.05) ? lo + 0.5 : hi]);
      }
      case 'boolean':
        return rand() < 0.5;
      case 'unknown':
      case 'any':
        return depth > 3 ? 1 : pick([{ household: [{ age: 34 }] }, null, 'text', 3, [1, 2]]);
      case 'enum':
        return odd(0.05) ? 'bogus' : pick(Object.values(d.entries!));
      case 'optional':
        return rand() < 0.3 ? undefined : value(d.innerType!, depth);
      case 'nullable':
        return rand() < 0.3 ? null : value(d.innerType!, depth);
      case 'array': {
        const max = num('max_length')?.maximum ?? 5;
        const n = odd(0.03) ? max + 1 : Math.floor(rand() * Math.min(4, max + 1));
        return Array.from({ length: n }, () => value(d.element!, depth + 1));
      }
      case 'object': {
        const o: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(d.shape ?? {})) {
          const x = value(v, depth + 1);
          if (x !== undefined || rand() < 0.5) o[k] = x;
        }
        if (rand() < 0.03) o.extra = 'kept by a newer version';
        if (odd(0.02)) delete o[pick(Object.keys(o).concat('none'))];
        return o;
      }
      default:
        return value(s, depth);
    }
  }
  return { sample, rand, pick };
}

describe('precompiled schema checks', () => {
  it(`answer as each event type's payload schema does (seed ${SEED})`, () => {
    const compiled: string[] = [];
    for (const [type, rule] of Object.entries(EVENT_RULES)) {
      const check = compileSchemaCheck(rule.payload);
      if (!check) continue;
      compiled.push(type);
      const g = generator(SEED ^ type.length * 7919);
      let accepted = 0;
      for (let i = 0; i < SAMPLES; i++) {
        const v = g.sample(rule.payload);
        const expected = rule.payload.safeParse(v).success;
        if (check(v) !== expected) expect.fail(`seed ${SEED}, ${type}, sample ${i}: the precompiled check says ${!expected}, the schema ${expected}, for ${JSON.stringify(v)}`);
        if (expected) accepted++;
      }
      // Both answers were exercised (plenty of valid ones for the visit events, the bulk of a catch-up).
      expect(accepted, `${type} (seed ${SEED})`).toBeGreaterThan(type.startsWith('visit.') ? SAMPLES / 10 : 0);
      expect(accepted, `${type} (seed ${SEED})`).toBeLessThan(SAMPLES);
    }
    // Every visit event (the bulk of a catch-up) has its precompiled check.
    for (const t of Object.keys(EVENT_RULES).filter((t) => t.startsWith('visit.'))) expect(compiled).toContain(t);
  });

  it(`see a pull answer as pullResponseSchema does (seed ${SEED})`, () => {
    const check = compileSchemaCheck(pullResponseSchema);
    expect(check).not.toBeNull();
    const g = generator(SEED ^ 0x5eed);
    let accepted = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const v = g.sample(pullResponseSchema);
      const expected = pullResponseSchema.safeParse(v).success;
      if (check!(v) !== expected) expect.fail(`seed ${SEED}, sample ${i}: the precompiled check says ${!expected}, the schema ${expected}, for ${JSON.stringify(v)}`);
      if (expected) accepted++;
    }
    expect(accepted).toBeGreaterThan(SAMPLES / 10);
    expect(accepted).toBeLessThan(SAMPLES);
    for (const odd of [...ODD, { protocol: 1, events: new Array(2001).fill(null), more: false, serverNow: 0 }, { protocol: 1.5, events: [], more: false, serverNow: 0 }]) expect(check!(odd)).toBe(pullResponseSchema.safeParse(odd).success);
  });

  it('leave what they do not cover to the schema', () => {
    const rule = EVENT_RULES['visit.issued'];
    expect(compileSchemaCheck(rule.payload.refine(() => true))).toBeNull();
    expect(compileSchemaCheck(wireEventSchema)).toBeNull();
  });

  it(`see a well-formed wire event as wireEventSchema does (seed ${SEED})`, () => {
    const g = generator(SEED);
    const base = { origin: 'kiosk-east', seq: 7, hlc: '001764203400000.000000.kiosk-east', type: 'visit.called', site: 'honcho', visitId: 'v-1', payload: { a: 1 } };
    const keys = Object.keys(base);
    const values: unknown[] = [...ODD, ...STRINGS, 'kiosk-west', '001764203400000.000000.kiosk-west', '1764203400000.0.kiosk-east', 'v'.repeat(64), 'v'.repeat(65), '😀'.repeat(40), '😀'.repeat(65), 'a'.repeat(65), 'A1._-b', 2 ** 53, 2 ** 53 - 1, 1];
    let accepted = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const e: Record<string, unknown> = { ...base };
      const n = Math.floor(g.rand() * 3);
      for (let k = 0; k < n; k++) e[g.pick(keys)] = g.pick(values);
      if (g.rand() < 0.05) delete e[g.pick(keys)];
      if (g.rand() < 0.05) e[g.pick(['extra', 'visit_id'])] = 1;
      const expected = wireEventSchema.safeParse(e).success;
      if (isWellFormedWireEvent(e) !== expected) expect.fail(`seed ${SEED}, sample ${i}: the hand-written check says ${!expected}, the schema ${expected}, for ${JSON.stringify(e)}`);
      if (expected) accepted++;
    }
    expect(accepted).toBeGreaterThan(SAMPLES / 10);
    for (const odd of ODD) expect(isWellFormedWireEvent(odd)).toBe(false);
  });

  it('count UTF-8 bytes as TextEncoder does, and keep the size limit and messages of checkEventPayload', () => {
    for (const s of ['', 'abc', 'é', '日本語', '😀x', '\ud800', 'a\udc00b', '\ud83d\ude00\ud83d', JSON.stringify({ name: '山田 太郎', note: 'ok 😀' })]) {
      expect(utf8Length(s), s).toBe(new TextEncoder().encode(s).length);
    }
    const big = { visitId: 'v-1', at: '2026-11-27T00:30:00.000Z', by: { terminal: 'k' }, department: 'shimin', counter: '1', pad: '日'.repeat(22_000) };
    expect(checkEventPayload({ origin: 'k', seq: 1, type: 'visit.called', payload: big })?.message).toBe(`event k#1 (visit.called): payload is ${utf8Length(JSON.stringify(big))} bytes; the limit is 65536`);
    expect(checkEventPayload({ origin: 'k', seq: 1, type: 'visit.called', payload: { ...big, pad: undefined, counter: 7 } })).toEqual({ code: 'invalid-event', field: 'payload.counter', message: expect.stringContaining('payload.counter') });
    expect(checkEventPayload({ origin: 'k', seq: 1, type: 'visit.called', visitId: 'v-1', payload: { ...big, pad: undefined } })).toBeNull();
    // At the limit to the byte, with 1-, 2-, 3- and 4-byte characters (a payload short enough in
    // UTF-16 units is not measured: it cannot be over).
    for (const ch of ['x', 'é', '日', '😀', '\ud800']) {
      const payload = (n: number) => ({ visitId: 'v-1', at: '2026-11-27T00:30:00.000Z', by: { terminal: 'k' }, department: 'shimin', counter: '1', pad: ch.repeat(n) });
      const bytes = (n: number) => utf8Length(JSON.stringify(payload(n)));
      // The most characters within the limit (bytes(n) grows with n).
      let n = 0;
      for (let step = 1 << 16; step >= 1; step >>= 1) if (bytes(n + step) <= LIMITS.maxPayloadBytes) n += step;
      const check = (k: number) => checkEventPayload({ origin: 'k', seq: 1, type: 'visit.called', visitId: 'v-1', payload: payload(k) });
      expect(check(n), ch).toBeNull();
      expect(check(n + 1)?.message, ch).toBe(`event k#1 (visit.called): payload is ${bytes(n + 1)} bytes; the limit is ${LIMITS.maxPayloadBytes}`);
      expect(check(Math.floor(n / 3)), ch).toBeNull();
    }
  });
});
