import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp';
import type { App } from '../../src-main/node/app/app';
import type { AttachResult, AuditRecord, PdfDocument, ResidentHit } from '../../src-main/common/contract/residents';
import { guide } from '../../src-main/common/guidance';
import { Residents } from '../../src-main/node/residents/residents';
import { demoApp, importDemo, signIn, squeeze } from './residents-support';
import type { CallContext } from '../../src-main/node/api/registry';
import type { VisitState } from '../../src-main/common/visit/state';

let dir: string;
let cleanup: () => void;
let app: App;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('madoguchi-access-'));
  app = demoApp(dir);
  importDemo(app);
});
afterEach(() => {
  app.close();
  cleanup();
});

const audit = (): AuditRecord[] =>
  (app.terminal.store.db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Array<Record<string, unknown>>).map((r) => ({
    id: r.id as number,
    at: r.at as string,
    actor: r.actor as string,
    terminal: r.terminal as string,
    action: r.action as string,
    residentId: r.resident_id as string | null,
    householdId: r.household_id as string | null,
    visitId: r.visit_id as string | null,
    purpose: r.purpose as string,
    detail: r.detail as string | null,
  }));

async function ok<T>(name: string, input: unknown, ctx: CallContext): Promise<T> {
  const r = await app.registry.call(name, input, ctx);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

async function issueVisit(facts: Record<string, unknown>): Promise<VisitState> {
  const t = await ok<{ visit: VisitState }>('ticket.issue', { lang: 'ja', facts }, app.context('kiosk-east', 'test'));
  return t.visit;
}

describe('who may read resident data', () => {
  it('refuses kiosk and display terminals, and callers without a signed-in staff member', async () => {
    for (const t of ['kiosk-east', 'display-hall']) {
      for (const [m, input] of [
        ['residents.search', { kana: 'ヨシダ' }],
        ['residents.household', { householdId: '200000001' }],
        ['forms.preview', { visitId: '00000000-0000-4000-8000-000000000000' }],
      ] as const) {
        const r = await app.registry.call(m, input, app.context(t, 'test'));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code, `${t} ${m}`).toBe('forbidden');
      }
    }
    const anon = await app.registry.call('residents.search', { kana: 'ヨシダ' }, app.context('counter-shimin-1', 'test'));
    expect(!anon.ok && anon.error.code).toBe('unauthenticated');
    // The residents module refuses on its own too, whatever road a request took.
    const res = new Residents(app.terminal.store, app.terminal.config);
    expect(() => res.search({ actor: 'x', terminal: 'kiosk-east', role: 'kiosk', via: 'api' }, { kana: 'ヨシダ' }, { purpose: 'test' })).toThrow(/never reads resident data/);
    expect(audit().filter((a) => a.action !== 'import')).toEqual([]);
  });

  it('follows residentAccess: departments limit who reads', async () => {
    app.close();
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    cfg.residentAccess = { roles: ['counter', 'supervisor'], departments: ['shimin'], ttlHours: 12 };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    app = demoApp(dir);
    const kokuhoTerminal = app.terminal.config.terminals.find((t) => t.department === 'kokuho')!.id;
    const kokuho = await signIn(app, kokuhoTerminal, 'kokuho01');
    const r = await app.registry.call('residents.search', { kana: 'ヨシダ' }, kokuho);
    expect(!r.ok && r.error.code).toBe('forbidden');
    expect(!r.ok && r.error.message).toContain('department "kokuho"');
    const shimin = await signIn(app, 'counter-shimin-1', 'shimin01');
    expect((await ok<ResidentHit[]>('residents.search', { kana: 'ヨシダ' }, shimin)).length).toBeGreaterThan(0);
  });
});

describe('linking that respects the visitor', () => {
  it('compares first, refuses an attach with a difference undecided, keeps the answers the clerk keeps, and records each choice', async () => {
    const counter = await signIn(app, 'counter-shimin-1', 'shimin01');
    // Heard at the kiosk: no My Number card, and national health insurance for the spouse.
    const visit = await issueVisit({ events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', myNumberCard: false }, { role: 'spouse', myNumberCard: false }] });
    const ids = ['1000000001', '1000000004', '1000000002', '1000000003'];
    const events = () => app.terminal.store.db.prepare("SELECT count(*) FROM events WHERE type = 'visit.membersAttached'").pluck().get() as number;

    // A check attaches nothing, and says what differs.
    const check = await ok<AttachResult>('residents.attach', { visitId: visit.id, residentIds: ids, applicantId: '1000000001', check: true }, counter);
    expect(check.checked).toBe(true);
    expect(events()).toBe(0);
    expect(check.visit.residentIds).toEqual([]);
    const card = check.checks.filter((c) => c.field === 'myNumberCard');
    expect(card.length).toBe(2);
    expect(check.checks.every((c) => c.kept === undefined)).toBe(true);

    // No decision, or one missing: refused, naming the difference left (field and member, no values).
    for (const decisions of [undefined, check.checks.slice(1).map((c) => ({ member: c.member, field: c.field, keep: 'data' }))]) {
      const r = await app.registry.call('residents.attach', { visitId: visit.id, residentIds: ids, applicantId: '1000000001', ...(decisions ? { decisions } : {}) }, counter);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('conflict');
      expect(r.error.field).toBe('decisions');
      expect(r.error.message).toContain(`member ${check.checks[0]!.member + 1} ${check.checks[0]!.field}`);
      expect((r.error.details as { key: string }).key).toBe('undecided-differences');
    }
    expect(events()).toBe(0);

    // The applicant's answer is kept, the spouse's card follows the register.
    const applicantCard = card.find((c) => c.member === 0)!;
    const decisions = check.checks.map((c) => ({ member: c.member, field: c.field, keep: c === applicantCard ? 'answered' : 'data' }));
    const att = await ok<AttachResult>('residents.attach', { visitId: visit.id, residentIds: ids, applicantId: '1000000001', decisions }, counter);
    const members = (att.visit.facts as { members: Array<Record<string, unknown>> }).members;
    expect(members[0]!.myNumberCard).toBe(false);
    expect(members[1]!.myNumberCard).toBe(true);
    expect(att.checks.find((c) => c === att.checks[check.checks.indexOf(applicantCard)])?.kept).toBe('answered');
    expect(att.checks.filter((c) => c.kept === 'data')).toHaveLength(check.checks.length - 1);

    // Recorded: the event carries the choices (no values), the timeline shows them.
    const wire = JSON.parse(app.terminal.store.db.prepare("SELECT payload FROM events WHERE type = 'visit.membersAttached'").pluck().get() as string) as { decisions: unknown[] };
    expect(wire.decisions).toEqual(decisions);
    const entry = att.visit.timeline.find((e) => e.type === 'link-decisions');
    expect(entry?.detail).toContain('1:myNumberCard=answered');
    expect(entry?.detail).toContain('2:myNumberCard=data');
    // The projection rebuilt from the log has the same facts and timeline.
    app.terminal.store.rebuildProjections();
    expect(app.terminal.visits.get(visit.id).timeline).toEqual(att.visit.timeline);
  });
});

describe('counter: find, attach, preview, print — every read and print audited', () => {
  it('attaches a household: data becomes facts, answers are checked, the list grows, forms preview and print', async () => {
    const counter = await signIn(app, 'counter-shimin-1', 'shimin01');
    const visit = await issueVisit({ events: ['moving-in'], moveFrom: 'other-municipality', members: [{ role: 'applicant', myNumberCard: false }, { role: 'spouse' }] });

    const hits = await ok<ResidentHit[]>('residents.search', { kana: 'たかさき けんいち', visitId: visit.id, purpose: '転入の確認' }, counter);
    expect(hits.map((h) => h.id)).toContain('1000000001');
    const searchAudit = audit().filter((a) => a.action === 'search');
    expect(searchAudit.map((a) => a.residentId).sort()).toEqual(hits.map((h) => h.id).sort());
    for (const a of searchAudit) expect(a).toMatchObject({ actor: 'shimin01', terminal: 'counter-shimin-1', visitId: visit.id, purpose: '転入の確認' });

    const hh = await ok<{ members: Array<{ id: string }> }>('residents.household', { householdId: '200000001', visitId: visit.id }, counter);
    expect(hh.members.map((m) => m.id)).toEqual(['1000000001', '1000000004', '1000000002', '1000000003']);

    // The concierge heard "no My Number card"; the register says there is one: the clerk decides (here: the data).
    const check = await ok<AttachResult>('residents.attach', { visitId: visit.id, residentIds: hh.members.map((m) => m.id), applicantId: '1000000001', check: true }, counter);
    expect(check.checked).toBe(true);
    const att = await ok<AttachResult>('residents.attach', { visitId: visit.id, residentIds: hh.members.map((m) => m.id), applicantId: '1000000001', decisions: check.checks.map((c) => ({ member: c.member, field: c.field, keep: 'data' })) }, counter);
    expect(att.visit.residentIds).toEqual(['1000000001', '1000000004', '1000000002', '1000000003']);
    const facts = att.visit.facts as { members: Array<Record<string, unknown>> };
    expect(facts.members).toHaveLength(4);
    // Minimised on the wire: age bands on the visit's date instead of birth dates (issue 12, item 6).
    expect(facts.members[0]).toMatchObject({ role: 'applicant', ageBand: '20-59', head: true, myNumberCard: true });
    expect(facts.members[1]).toMatchObject({ role: 'spouse', ageBand: '20-59' });
    expect(facts.members.find((m) => m.ageBand === '75+')).toMatchObject({ role: 'other', insurance: 'late-elderly' });
    for (const m of facts.members) expect(m.birthDate).toBeUndefined();
    const wire = app.terminal.store.db.prepare("SELECT payload FROM events WHERE type = 'visit.membersAttached'").pluck().all() as string[];
    expect(wire.length).toBeGreaterThan(0);
    for (const p of wire) {
      expect(p).not.toMatch(/birthDate|1972-06-15|1975-09-03|1949-01-20|高崎|タカサキ|伊勢崎市/);
      for (const m of (JSON.parse(p) as { facts: { members: Array<{ nationality?: string }> } }).facts.members) expect(['JP', 'XX', undefined]).toContain(m.nationality);
    }
    // The concierge heard "no My Number card"; the register says there is one.
    expect(att.checks).toContainEqual({ member: 0, field: 'myNumberCard', answered: false, data: true, kept: 'data' });
    // The list is the engine's list for the merged facts: nothing it lists is missing.
    const engine = guide(att.visit.facts, app.catalog(), { today: visit.businessDate }).procedures.map((p) => p.id);
    for (const id of engine) expect(att.visit.items.map((i) => i.id)).toContain(id);
    expect(att.added.length).toBeGreaterThan(0);
    for (const id of att.added) expect(visit.items.map((i) => i.id)).not.toContain(id);
    expect(audit().filter((a) => a.action === 'attach').map((a) => a.residentId)).toEqual(['1000000001', '1000000004', '1000000002', '1000000003']);

    // Preview: the forms the list needs, as a PDF for an <iframe>.
    const prev = await ok<PdfDocument>('forms.preview', { visitId: visit.id }, counter);
    expect(prev.forms.map((f) => f.id)).toContain('juminido');
    const pdfFile = join(dir, 'preview.pdf');
    writeFileSync(pdfFile, Buffer.from(prev.pdfBase64, 'base64'));
    const text = squeeze(execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' }));
    expect(text).toContain('𠮷田ハル');
    expect(text).toContain('昭和24年1月20日');
    expect(audit().filter((a) => a.action === 'preview').every((a) => a.visitId === visit.id && a.actor === 'shimin01')).toBe(true);
    expect(audit().filter((a) => a.action === 'preview')).toHaveLength(4);

    // One action prints them all, to this counter's file printer.
    const printed = await ok<{ destination: string; forms: Array<{ id: string }>; pages: number }>('forms.print', { visitId: visit.id }, counter);
    expect(printed.forms).toEqual(prev.forms);
    const folder = join(dir, 'printer', 'forms-shimin-1');
    expect(readdirSync(folder).filter((f) => f.endsWith('.pdf'))).toHaveLength(1);
    expect(readFileSync(printed.destination).subarray(0, 5).toString()).toBe('%PDF-');
    expect(audit().filter((a) => a.action === 'print')).toHaveLength(4);

    // A supervisor exports the log; a counter may not.
    const sup = await signIn(app, 'supervisor', 'super01');
    const today = visit.businessDate;
    const exp = await ok<{ records: AuditRecord[]; csv: string }>('audit.export', { from: today, to: today }, sup);
    for (const action of ['search', 'read', 'attach', 'preview', 'print']) expect(exp.records.some((r) => r.action === action)).toBe(true);
    expect(exp.csv.split('\r\n').length).toBe(exp.records.length + 2);
    const denied = await app.registry.call('audit.export', { from: today, to: today }, counter);
    expect(!denied.ok && denied.error.code).toBe('forbidden');
  });

  it('prints the visit’s list of procedures in the visitor’s language', async () => {
    const counter = await signIn(app, 'counter-shimin-1', 'shimin01');
    const visit = await issueVisit({ events: ['moving-in'], moveFrom: 'abroad', members: [{ role: 'applicant', nationality: 'VN' }] });
    const doc = await ok<PdfDocument>('guidance.listPdf', { visitId: visit.id, lang: 'vi' }, counter);
    const file = join(dir, 'list.pdf');
    writeFileSync(file, Buffer.from(doc.pdfBase64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Các thủ tục của bạn hôm nay');
    // The list holds no resident data: the kiosk prints it too; the public display does not.
    const kiosk = await app.registry.call('guidance.listPdf', { visitId: visit.id }, app.context('kiosk-east', 'test'));
    expect(kiosk.ok).toBe(true);
    const display = await app.registry.call('guidance.listPdf', { visitId: visit.id }, app.context('display-hall', 'test'));
    expect(!display.ok && display.error.code).toBe('forbidden');
  });
});
