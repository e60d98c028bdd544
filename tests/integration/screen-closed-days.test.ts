// @vitest-environment jsdom
import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src-main/node/catalog/load';
import type { LifeEvent } from '../../src-main/common/guidance/facts';
import { useGuidance } from '../../src-renderer/guidance/useGuidance';

/**
 * The kiosk's and the online guide's on-screen list moves a deadline past the city's own closed
 * days, as the printed list and `madoguchi guide --config` do (issue 13: closed days are weekends,
 * holidays, 29 Dec – 3 Jan and the city's config).
 */
const catalog = defaultCatalog();
const events: LifeEvent[] = ['moving-in'];
const answers = { members: [{ role: 'applicant', ageBand: '20-59' }], moveFrom: 'other-prefecture', eventDate: '2026-04-01' };
const deadlineOf = (closedDays?: string[]) => {
  const { result } = renderHook(() => useGuidance(catalog, events, answers as never, { date: '2026-04-06', lang: 'ja', ...(closedDays ? { closedDays } : {}) }));
  const tennyu = result.current.result?.procedures.find((p) => p.id === 'tennyu');
  expect(result.current.error).toBeUndefined();
  return tennyu?.deadline;
};

describe('useGuidance', () => {
  it("moves an on-screen deadline off a day the city hall is closed (config closedDays)", () => {
    const plain = deadlineOf();
    expect(plain).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const moved = deadlineOf([plain!]);
    expect(moved).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(moved! > plain!).toBe(true);
    // A closed day that is not the deadline changes nothing.
    expect(deadlineOf(['2026-03-02'])).toBe(plain);
  });
});
