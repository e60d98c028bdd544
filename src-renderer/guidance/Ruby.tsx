import { Fragment } from 'react';
import { parseRuby } from '../../src-main/common/i18n/ruby';

/** やさしい日本語 texts carry `{漢字|かんじ}`: shown as ruby (furigana) over the kanji. */
export function Ruby({ text }: { text: string }) {
  const parts = parseRuby(text);
  return (
    <>
      {parts.map((p, i) =>
        p.ruby ? (
          <ruby key={i}>
            {p.text}
            <rp>(</rp>
            <rt>{p.ruby}</rt>
            <rp>)</rp>
          </ruby>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}
