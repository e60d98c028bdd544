import { readFileSync } from 'node:fs';
import { DEMO_CONFIG, type Terminal } from '../terminal/dataFolder';
import { StaffDirectory } from './staff';

/** Demo staff for browser mode; the PINs are printed in the docs, so never on a real terminal. */
export const DEMO_STAFF = [
  { id: 'shimin01', name: '市民 花子', role: 'counter', department: 'shimin', pin: '1111' },
  { id: 'kokuho01', name: '国保 一郎', role: 'counter', department: 'kokuho', pin: '1111' },
  { id: 'nenkin01', name: '年金 次郎', role: 'counter', department: 'nenkin-iryo', pin: '1111' },
  { id: 'kaigo01', name: '介護 三郎', role: 'counter', department: 'kaigo', pin: '1111' },
  { id: 'kodomo01', name: '子ども 良子', role: 'counter', department: 'kodomo', pin: '1111' },
  { id: 'concierge01', name: '案内 和子', role: 'concierge', department: 'shimin', pin: '1111' },
  { id: 'super01', name: '統括 正', role: 'supervisor', department: 'shimin', pin: '9999' },
  { id: 'admin01', name: '情報 管理', role: 'admin', department: 'joho', pin: '9999' },
] as const;

/**
 * Seeds the demo staff into an empty staff table, only on the demo terminal (its node id comes
 * from fixtures/config/demo.json): a real terminal never gets PINs that are in the docs.
 */
export function seedDemoStaff(terminal: Pick<Terminal, 'config' | 'store'>): { created: number } {
  const demoNode = (JSON.parse(readFileSync(DEMO_CONFIG, 'utf8')) as { node: { id: string } }).node.id;
  if (terminal.config.node.id !== demoNode) return { created: 0 };
  const dir = new StaffDirectory(terminal.store.db);
  if (dir.count() > 0) return { created: 0 };
  for (const s of DEMO_STAFF) dir.add(s);
  return { created: DEMO_STAFF.length };
}
