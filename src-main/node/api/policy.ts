import type { MethodName } from '../../common/contract';
import type { StaffRole } from '../../common/contract/counter';

/**
 * Who may call what, beyond the contract's terminal roles: whether a signed-in staff session is
 * needed, and which staff roles. Every method of the registry is decided here (the table is also
 * in docs/security.md); a method the table does not name falls back to the contract's own
 * `staff` flag, and a test lists every registered method against this table.
 *
 * `kiosk-own-visit`: at a kiosk, without a session, only for a visit this same kiosk issued today
 * (the reprint after a paper-out, the visitor's list in their language); anything else needs a
 * staff session.
 */
export type SessionRule = 'none' | 'staff' | 'kiosk-own-visit';

export interface MethodPolicy {
  session: SessionRule;
  staffRoles?: readonly StaffRole[];
  why: string;
}

const SUPERVISING: readonly StaffRole[] = ['supervisor', 'admin'];

export const METHOD_POLICY: Partial<Record<MethodName, MethodPolicy>> = {
  'terminal.info': { session: 'none', why: 'which terminal this is; no personal data' },
  'catalog.bundle': { session: 'none', why: 'the public procedure catalog' },
  'sync.status': { session: 'none', why: 'status bar: online/offline and events waiting' },
  'display.state': { session: 'none', why: 'the hall display: numbers called, no names' },
  'survey.current': { session: 'none', why: "the counter's visitor-facing survey screen" },
  'survey.answer': { session: 'none', why: "the counter's visitor-facing survey screen (scores only)" },
  'ticket.issue': { session: 'none', why: 'self-service kiosk; protected by pairing and the Origin check' },
  'ticket.reprint': { session: 'kiosk-own-visit', why: "reprint of this kiosk's own ticket today; any other needs staff" },
  'ticket.reactivate': { session: 'none', why: "the concierge puts today's no-show number back in the queue; a number and a status, no personal data" },
  'guidance.listPdf': { session: 'kiosk-own-visit', why: "the visitor's list in their language at the kiosk that issued it; elsewhere staff" },
  'printer.status': { session: 'staff', why: 'printer paths and failed jobs are for staff' },
  'staff.signIn': { session: 'none', why: 'opens a session (rate-limited per device and per id+device)' },
  'staff.signOut': { session: 'staff', why: 'ends the caller’s own session' },
  'counter.queue': { session: 'staff', why: 'counter work' },
  'counter.board': { session: 'staff', why: 'progress board' },
  'counter.visit': { session: 'staff', why: 'a visit with its facts and timeline (audited read)' },
  'counter.find': { session: 'staff', why: 'counter work' },
  'counter.callNext': { session: 'staff', why: 'counter work' },
  'counter.callNumber': { session: 'staff', why: 'counter work' },
  'counter.recall': { session: 'staff', why: 'counter work' },
  'counter.noShow': { session: 'staff', why: 'counter work' },
  'counter.reactivate': { session: 'staff', why: 'counter work' },
  'counter.start': { session: 'staff', why: 'counter work' },
  'counter.itemStatus': { session: 'staff', why: 'counter work' },
  'counter.addItem': { session: 'staff', why: 'counter work' },
  'counter.note': { session: 'staff', why: 'counter work' },
  'counter.finish': { session: 'staff', why: 'counter work' },
  'counter.cancel': { session: 'staff', why: 'counter work' },
  'counter.fees': { session: 'staff', why: 'counter work' },
  'counter.pay': { session: 'staff', why: 'counter work' },
  'counter.offerSurvey': { session: 'staff', why: 'counter work' },
  'residents.search': { session: 'staff', why: 'resident data (audited)' },
  'residents.household': { session: 'staff', why: 'resident data (audited)' },
  'residents.attach': { session: 'staff', why: 'resident data (audited)' },
  'forms.list': { session: 'staff', why: 'forms for a visit' },
  'forms.preview': { session: 'staff', why: 'pre-filled forms (audited)' },
  'forms.print': { session: 'staff', why: 'pre-filled forms (audited)' },
  'forms.plan': { session: 'staff', why: 'which forms a visit needs and which printer takes each' },
  'forms.printAll': { session: 'staff', why: 'pre-filled forms (audited)' },
  'forms.reprint': { session: 'staff', why: 'a pre-filled form again (audited)' },
  'forms.calibration': { session: 'staff', why: 'overlay offsets per form printer' },
  'forms.calibrate': { session: 'staff', why: 'overlay offsets for a form printer at this terminal' },
  'audit.export': { session: 'staff', staffRoles: SUPERVISING, why: 'the audit log' },
  'supervisor.live': { session: 'staff', staffRoles: SUPERVISING, why: 'supervisor screen' },
  'report.daily': { session: 'staff', staffRoles: SUPERVISING, why: 'supervisor screen' },
  'report.kpi': { session: 'staff', staffRoles: SUPERVISING, why: 'supervisor screen' },
  'report.export': { session: 'staff', staffRoles: SUPERVISING, why: 'supervisor exports' },
  'report.unfinished': { session: 'staff', staffRoles: SUPERVISING, why: 'supervisor screen' },
  'device.pending': { session: 'staff', staffRoles: ['admin'], why: 'pairing requests' },
  'device.approve': { session: 'staff', staffRoles: ['admin'], why: 'an administrator approves a browser once' },
  'device.revoke': { session: 'staff', staffRoles: ['admin'], why: 'an administrator revokes a browser' },
};

export function policyOf(name: string, contractStaff: boolean | undefined): MethodPolicy {
  return (METHOD_POLICY as Record<string, MethodPolicy>)[name] ?? { session: contractStaff ? 'staff' : 'none', why: 'from the contract (not in the policy table)' };
}
