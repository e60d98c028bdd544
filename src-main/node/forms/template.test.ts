import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../terminal/dataFolder';
import { FORM_ORDER, loadFormTemplates, parseFormTemplate } from './template';

describe('form templates', () => {
  it('ships one template per form of the catalog, in hand-over order', () => {
    const all = loadFormTemplates();
    const catalogForms = (JSON.parse(readFileSync(join(APP_ROOT, 'fixtures', 'catalog', 'forms.json'), 'utf8')) as { forms: Array<{ id: string; name: string }> }).forms;
    expect([...all.keys()]).toEqual(FORM_ORDER);
    for (const f of catalogForms) expect(all.get(f.id)?.name, f.id).toBe(f.name);
    for (const t of all.values()) expect(t.items.some((i) => i.type === 'signature')).toBe(true);
  });

  it('names the field at fault', () => {
    const base = JSON.parse(readFileSync(join(APP_ROOT, 'fixtures', 'forms', 'juminido.json'), 'utf8'));
    const bad = (mutate: (t: { items: Array<Record<string, unknown>> } & Record<string, unknown>) => void) => {
      const t = structuredClone(base);
      mutate(t);
      try {
        parseFormTemplate(t, 'x.json');
      } catch (e) {
        return (e as { field?: string }).field;
      }
      return 'accepted';
    };
    expect(bad((t) => (t.items[2]!.bind = 'resident.name'))).toBe('items[2].bind');
    expect(bad((t) => (t.items[2]!.x = 400))).toBe('items[2].x');
    expect(bad((t) => (t.page = 'A3'))).toBe('page');
    expect(bad((t) => (t.items = t.items.filter((i) => i.type !== 'signature')))).toBe('items');
    expect(bad((t) => (t.items[3]!.id = t.items[2]!.id))).toBe('items[3].id');
    expect(bad((t) => (t.items[2]!.bind = 'member.name'))).toBe('items[2].bind');
  });
});
