/**
 * Kana as people type it (hiragana, half-width katakana, spaces) matched against the フリガナ of
 * the linkage data: both sides become full-width katakana without spaces or middle dots.
 */
export function kanaKey(s: string): string {
  return toKatakana(s.normalize('NFKC')).replace(/[\s\u3000・･=＝]/g, '');
}

export function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096\u309d\u309e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

/** Full-width katakana, prolonged sound mark, middle dot and spaces: what a フリガナ field may hold. */
export function isKatakanaName(s: string): boolean {
  return /^[\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe \u3000]+$/.test(s);
}
