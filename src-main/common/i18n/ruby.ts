/**
 * やさしい日本語 texts carry readings inline as `{漢字|かんじ}`. The kiosk renders <ruby>, a
 * thermal printer without ruby prints 漢字（かんじ）, and speech or search uses the plain text.
 */
export interface RubySegment {
  text: string;
  ruby?: string;
}

const RUBY_RE = /\{([^{}|]+)\|([^{}|]+)\}/g;

/** Splits a text into plain runs and ruby-annotated runs; a brace that is not `{base|reading}` stays literal. */
export function parseRuby(s: string): RubySegment[] {
  const out: RubySegment[] = [];
  const plain = (t: string): void => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && last.ruby === undefined) last.text += t;
    else out.push({ text: t });
  };
  let at = 0;
  for (const m of s.matchAll(RUBY_RE)) {
    plain(s.slice(at, m.index));
    out.push({ text: m[1]!, ruby: m[2]! });
    at = m.index + m[0].length;
  }
  plain(s.slice(at));
  return out;
}

/** The text without readings: `{漢字|かんじ}` → `漢字`. */
export function stripRuby(s: string): string {
  return s.replace(RUBY_RE, '$1');
}

/** Readings in full-width brackets after the base: `{漢字|かんじ}` → `漢字（かんじ）`. */
export function rubyToParens(s: string): string {
  return s.replace(RUBY_RE, '$1（$2）');
}

/** True when the text carries at least one reading. */
export function hasRuby(s: string): boolean {
  return new RegExp(RUBY_RE.source).test(s);
}
