import { describe, expect, it } from 'vitest';
import { generateHousehold, mulberry32 } from '../../src-main/common/guidance/generate';
import { evaluate, makeContext, type EvalContext } from '../../src-main/common/guidance/evaluate';
import { guide } from '../../src-main/common/guidance/guide';
import { loadCatalog } from '../../src-main/node/catalog/load';

/**
 * A list works out each member's age and age classes once (issue 15: the guidance list's p95). On
 * generated households, every condition of the catalog evaluated in catalog order against one
 * context (its memo filling as it goes) answers exactly as against a context with no memo, and the
 * lists are the same run after run. GUIDE_MEMO_SEED replays.
 */
describe("a list's ages worked out once", () => {
  const seed = Number(process.env.GUIDE_MEMO_SEED ?? 20261203);
  it(`answers every catalog condition as without the memo (seed ${seed})`, () => {
    const catalog = loadCatalog();
    const rng = mulberry32(seed);
    let checked = 0;
    for (let h = 0; h < 400; h++) {
      const facts = generateHousehold(rng, '2026-12-03');
      const memo = makeContext(facts);
      const plain: EvalContext = { facts, births: memo.births };
      for (const p of catalog.procedures) {
        for (const rule of p.appearsWhen) {
          for (const c of [rule.if, rule.concerns]) {
            if (!c) continue;
            expect(evaluate(c, memo), `household ${h}, ${p.id}`).toEqual(evaluate(c, plain));
            checked++;
          }
        }
      }
      expect(guide(facts, catalog)).toEqual(guide(facts, catalog));
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
