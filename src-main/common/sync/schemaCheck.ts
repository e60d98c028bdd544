import type { z } from 'zod';

/**
 * A zod schema turned once into a plain predicate, for the checks that run on every event of a
 * catch-up (issue 15: walking a schema generically cost more than folding the event).
 *
 * The predicate answers `true` only where the schema accepts the value. Anything else, and every
 * construct it does not know (refinements, transforms, defaults, other formats), is left to the
 * schema itself: `compileSchemaCheck` returns null for such a schema, and a `false` only means
 * "ask zod", which also gives the message naming the field. So the schema stays the one truth;
 * schemaCheck.test.ts compares both on generated and mutated values of every event type.
 */
export type SchemaCheck = (v: unknown) => boolean;

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  entries?: Record<string, unknown>;
}

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  format?: string;
  pattern?: RegExp;
  value?: number;
  inclusive?: boolean;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** A predicate equivalent to `schema.safeParse(v).success`, or null when the schema uses something it does not cover. */
export function compileSchemaCheck(schema: z.ZodType): SchemaCheck | null {
  try {
    return compile(schema);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

class Unsupported extends Error {}

function compile(schema: z.ZodType): SchemaCheck {
  const d = defOf(schema);
  const checks = (d.checks ?? []).map((c) => c._zod.def);
  switch (d.type) {
    case 'string':
      return stringCheck(checks);
    case 'number':
      return numberCheck(checks);
    case 'boolean':
      noChecks(checks);
      return (v) => typeof v === 'boolean';
    case 'unknown':
    case 'any':
      noChecks(checks);
      return () => true;
    case 'enum': {
      noChecks(checks);
      const values = Object.values(d.entries ?? {});
      if (!values.every((x) => typeof x === 'string' || typeof x === 'number')) throw new Unsupported();
      const set = new Set(values);
      return (v) => (typeof v === 'string' || typeof v === 'number') && set.has(v);
    }
    case 'optional': {
      noChecks(checks);
      const inner = compile(d.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      noChecks(checks);
      const inner = compile(d.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'array': {
      const length = lengthBounds(checks);
      const element = compile(d.element!);
      return (v) => {
        if (!Array.isArray(v) || v.length < length.min || v.length > length.max) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'object':
      noChecks(checks);
      return objectCheck(d);
    default:
      throw new Unsupported();
  }
}

function noChecks(checks: CheckDef[]): void {
  if (checks.length) throw new Unsupported();
}

function lengthBounds(checks: CheckDef[]): { min: number; max: number } {
  let min = 0;
  let max = Infinity;
  for (const c of checks) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum!);
    else if (c.check === 'max_length') max = Math.min(max, c.maximum!);
    else if (c.check === 'length_equals') {
      min = Math.max(min, c.length!);
      max = Math.min(max, c.length!);
    } else throw new Unsupported();
  }
  return { min, max };
}

function stringCheck(checks: CheckDef[]): SchemaCheck {
  const patterns: RegExp[] = [];
  const rest = checks.filter((c) => {
    if (c.check !== 'string_format') return true;
    if (c.format !== 'regex' || !c.pattern || c.pattern.global || c.pattern.sticky) throw new Unsupported();
    patterns.push(c.pattern);
    return false;
  });
  const { min, max } = lengthBounds(rest);
  return (v) => {
    if (typeof v !== 'string') return false;
    // zod measures a string in code points (a surrogate pair is one), UTF-16 units are an upper bound.
    const units = v.length;
    if (units > max || units < min) {
      const n = codePoints(v);
      if (n > max || n < min) return false;
    } else if (units < 2 * min && codePoints(v) < min) return false;
    for (const p of patterns) if (!p.test(v)) return false;
    return true;
  };
}

/** Code points of a string: UTF-16 units less one per surrogate pair (as zod counts). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n--;
      i++;
    }
  }
  return n;
}

function numberCheck(checks: CheckDef[]): SchemaCheck {
  let int = false;
  let lo = -Infinity;
  let loIn = true;
  let hi = Infinity;
  let hiIn = true;
  for (const c of checks) {
    if (c.check === 'number_format' && c.format === 'safeint') int = true;
    else if (c.check === 'greater_than' && c.value! >= lo) {
      loIn = c.value === lo ? loIn && !!c.inclusive : !!c.inclusive;
      lo = c.value!;
    } else if (c.check === 'less_than' && c.value! <= hi) {
      hiIn = c.value === hi ? hiIn && !!c.inclusive : !!c.inclusive;
      hi = c.value!;
    } else if (c.check !== 'greater_than' && c.check !== 'less_than') throw new Unsupported();
  }
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    if (int && !Number.isSafeInteger(v)) return false;
    if (loIn ? v < lo : v <= lo) return false;
    if (hiIn ? v > hi : v >= hi) return false;
    return true;
  };
}

function objectCheck(d: Def): SchemaCheck {
  // Unknown keys: allowed (and dropped) by a plain object, refused by a strict one (catchall never).
  let strict = false;
  if (d.catchall !== undefined) {
    if (defOf(d.catchall).type !== 'never') throw new Unsupported();
    strict = true;
  }
  const keys = Object.keys(d.shape ?? {});
  if (Object.getOwnPropertySymbols(d.shape ?? {}).length || keys.includes('__proto__')) throw new Unsupported();
  const fields = keys.map((k) => compile(d.shape![k]!));
  // A key may be left out only where its schema is optional; elsewhere even one that accepts
  // undefined (z.unknown()) must be there.
  const mayBeAbsent = keys.map((k) => {
    const z = (d.shape![k] as unknown as { _zod: { optin?: string; optout?: string } })._zod;
    if (z.optin === undefined) return false;
    if (z.optin === 'optional' && z.optout === 'optional') return true;
    throw new Unsupported(); // defaults and the like
  });
  const known = new Set(keys);
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (!(k in o)) {
        if (mayBeAbsent[i]) continue;
        return false;
      }
      if (!fields[i]!(o[k])) return false;
    }
    if (strict) for (const k in o) if (!known.has(k)) return false;
    return true;
  };
}
