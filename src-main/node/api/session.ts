import type { App } from '../app/app';
import pkg from '../../../package.json';
import { AppError } from '../../common/errors';
import { terminalById } from '../../common/config/schema';
import { StaffDirectory } from '../staff/staff';
import { writeAudit } from '../residents/audit';
import { DeviceRegistry } from '../http/devices';
import { deviceOf, type CallContext } from './registry';

/** Repeated reads of one visit by one person at one terminal within this many minutes are one audited read. */
export const READ_AUDIT_MINUTES = 10;

/** Who did it, for an audit line: the staff id, or the device when nobody is signed in. */
const actorOf = (ctx: CallContext, staffId?: string) => staffId ?? ctx.staff?.id ?? `device:${deviceOf(ctx)}`;

export function registerSession(app: App): void {
  const { config, store } = app.terminal;
  const staff = new StaffDirectory(store.db, () => store.now());
  const devices = new DeviceRegistry(store.db, () => store.now());
  const audit = (ctx: CallContext, terminal: string, action: Parameters<typeof writeAudit>[2][number]['action'], purpose: string, detail: string, staffId?: string) =>
    writeAudit(store, { actor: actorOf(ctx, staffId), terminal }, [{ action, purpose, detail }]);
  const where = (ctx: CallContext) => `device ${deviceOf(ctx)}${ctx.remote ? ` from ${ctx.remote}` : ''}`;

  app.registry.register('terminal.info', (_input, ctx) => ({
    terminal: ctx.terminal,
    cityName: config.cityName,
    site: config.site,
    timeZone: config.timeZone,
    defaultLanguage: ctx.terminal.language ?? config.defaultLanguage,
    businessDate: app.terminal.visits.today(),
    closedDays: [...(config.closedDays ?? [])],
    stations: config.stations.map((s) => ({ id: s.id, name: s.name, range: s.range })),
    terminals: config.terminals.map((t) => ({ id: t.id, role: t.role, ...(t.station ? { station: t.station } : {}), ...(t.department ? { department: t.department } : {}), ...(t.counter ? { counter: t.counter } : {}) })),
    ...(ctx.staff ? { staff: { id: ctx.staff.id, name: ctx.staff.name, role: ctx.staff.role, department: ctx.staff.department } } : {}),
    version: pkg.version,
  }));

  // Sign-in and sign-out are audited, and so is every refusal (wrong PIN, lock-out, wrong terminal).
  app.registry.register('staff.signIn', async (input, ctx) => {
    try {
      const s = await staff.signIn(input.staffId, input.pin, ctx.terminal, deviceOf(ctx));
      audit(ctx, ctx.terminal.id, 'sign-in', 'staff sign-in', `${s.staff.role} at ${ctx.terminal.id}, ${where(ctx)}`, s.staff.id);
      return s;
    } catch (e) {
      if (e instanceof AppError) audit(ctx, ctx.terminal.id, 'sign-in-refused', 'staff sign-in', `${e.code}: ${e.message}; ${where(ctx)}`, `claimed:${input.staffId}`);
      throw e;
    }
  });
  app.registry.register('staff.signOut', (_input, ctx) => {
    if (ctx.staff) {
      staff.signOut(ctx.staff.token);
      audit(ctx, ctx.terminal.id, 'sign-out', 'staff sign-out', where(ctx));
    }
    return { ok: true as const };
  });
  // A session moved to another terminal or device: refused by the registry, audited here under the
  // terminal the session really belongs to, with what was claimed.
  app.registry.onSessionRefused = (r) => {
    writeAudit(store, { actor: r.staffId, terminal: r.sessionTerminal }, [
      { action: 'session-refused', purpose: 'session used away from its terminal/device', detail: `${r.method}: claimed terminal ${r.claimedTerminal}, device ${r.device}${r.remote ? ` from ${r.remote}` : ''}; the session belongs to ${r.sessionTerminal}, device ${r.sessionDevice ?? '(none)'}` },
    ]);
  };
  // Every API answer that carries a visit with resident data attached is an audited read.
  // A screen re-reads its visit on every event: one line per person, terminal and visit per
  // READ_AUDIT_MINUTES is the read; the repeats within it are the same look at the same screen.
  const lastRead = new Map<string, number>();
  app.registry.onResidentRead = (method, visits, ctx) => {
    const now = store.now();
    const actor = actorOf(ctx);
    const fresh = visits.filter((v) => {
      const key = `${actor}|${ctx.terminal.id}|${v.id}|${v.residentIds.join(',')}`;
      const seen = lastRead.get(key);
      if (seen !== undefined && now - seen < READ_AUDIT_MINUTES * 60_000) return false;
      lastRead.set(key, now);
      return true;
    });
    if (lastRead.size > 50_000) lastRead.clear();
    writeAudit(
      store,
      { actor, terminal: ctx.terminal.id },
      fresh.map((v) => ({ action: 'read' as const, visitId: v.id, purpose: `API: ${method}`, detail: `#${v.number}: residents ${v.residentIds.join(' ')}` })),
    );
  };
  app.registry.kioskOwnVisit = (visitId, ctx) => {
    if (typeof visitId !== 'string') return false;
    try {
      const v = app.terminal.visits.get(visitId);
      return v.issuedBy.terminal === ctx.terminal.id && v.businessDate === app.terminal.visits.today();
    } catch {
      return false;
    }
  };

  app.registry.register('device.pending', () => devices.pending());
  app.registry.register('device.approve', (input, ctx) => {
    terminalById(config, input.terminal); // refuses an unknown terminal, naming it
    const r = devices.approve(input.code, input.terminal, ctx.staff!.id);
    audit(ctx, ctx.terminal.id, 'device-paired', 'browser pairing', `device ${r.id} (${r.label}, from ${r.requestedFrom}) approved as ${input.terminal}`);
    return r;
  });
  app.registry.register('device.revoke', (input, ctx) => {
    const r = devices.revoke(input.id, ctx.staff!.id);
    audit(ctx, ctx.terminal.id, 'device-revoked', 'browser pairing', `device ${r.id} (${r.label}) revoked`);
    return r;
  });
}
