import { describe, expect, test } from 'vitest';
import { bitmapToAscii, countBlackDots, paperWidthDots, renderTextBitmap } from './raster';

describe('renderTextBitmap', () => {
  test('a Vietnamese line becomes a non-empty 1-bit image at printer width', () => {
    const bmp = renderTextBitmap('Vui lòng đến Quầy số 3', { widthDots: paperWidthDots(80), fontPx: 28, lang: 'vi' });
    expect(bmp.width).toBe(576);
    expect(bmp.data.length).toBe(72 * bmp.height);
    expect(bmp.height).toBeGreaterThanOrEqual(28);
    const dots = countBlackDots(bmp);
    expect(dots).toBeGreaterThan(500);
    expect(dots).toBeLessThan(bmp.width * bmp.height * 0.5);
  });

  test('58 mm paper is 384 dots wide', () => {
    expect(paperWidthDots(58)).toBe(384);
    expect(renderTextBitmap('请到3号窗口', { widthDots: 384, lang: 'zh-CN' }).width).toBe(384);
  });

  test('stacked Vietnamese marks are drawn, not dropped: ầ has more ink than a', () => {
    const a = countBlackDots(renderTextBitmap('aaaa', { widthDots: 384, fontPx: 40 }));
    const aa = countBlackDots(renderTextBitmap('ầầầầ', { widthDots: 384, fontPx: 40, lang: 'vi' }));
    expect(aa).toBeGreaterThan(a * 1.2);
  });

  test('characters missing from one font come from another (no tofu boxes)', () => {
    // U+E000 is in none of our fonts: whatever is drawn for it is the "missing glyph" look.
    const missing = renderTextBitmap('\uE000', { widthDots: 384, fontPx: 40 });
    const bmp = renderTextBitmap('们', { widthDots: 384, fontPx: 40 });
    expect(countBlackDots(bmp)).toBeGreaterThan(100);
    expect(Buffer.from(bmp.data).equals(Buffer.from(missing.data))).toBe(false);
  });

  test('long text wraps onto more lines, and nothing is drawn past the right edge', () => {
    const one = renderTextBitmap('Xin chào', { widthDots: 384, fontPx: 24 });
    const many = renderTextBitmap('Xin chào! Vui lòng đến Quầy số 3 ở tầng 1, sau đó đến Phòng Bảo hiểm và Lương hưu ở tầng 2.', { widthDots: 384, fontPx: 24 });
    expect(many.height).toBeGreaterThanOrEqual(one.height * 3);
    const rightColumnInk = bitmapToAscii(many, 1)
      .split('\n')
      .some((r) => r.length >= 383 && r[383] === '#');
    expect(rightColumnInk).toBe(false);
  });

  test('width must be a whole number of bytes', () => {
    expect(() => renderTextBitmap('x', { widthDots: 100 })).toThrow(/multiple of 8/);
  });
});
