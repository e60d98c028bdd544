import type { ItemStatus } from '../../../src-main/common/visit/events';
import type { VisitItem } from '../../../src-main/common/visit/state';

/** The 1線・2線・3線 order, for showing how far an item has got. */
export const FLOW: readonly ItemStatus[] = ['listed', 'accepted', 'entered', 'reviewed', 'delivered', 'done'];

/**
 * The natural next step of an item at this department: 受付 (or 代理受付 at the one-stop counter
 * for a department's procedure, 案内済 for one the visitor must take there) → 入力 → 審査 →
 * 交付 / 事後交付待ち → 完了. Null when the item has ended.
 */
export function nextStatus(item: VisitItem, department: string, oneStop: string): ItemStatus | null {
  const atOwner = item.department === department;
  switch (item.status) {
    case 'listed':
    case 'to-confirm':
      if (atOwner) return 'accepted';
      if (department === oneStop) return item.route === 'proxy' ? 'proxy-accepted' : item.route === 'accept' ? 'accepted' : 'referred';
      return 'accepted';
    case 'referred':
      return atOwner ? 'accepted' : null;
    case 'accepted':
    case 'proxy-accepted':
      return 'entered';
    case 'entered':
      return 'reviewed';
    case 'reviewed':
      return item.delivery === 'immediate' ? 'delivered' : item.delivery === 'later' ? 'awaiting-delivery' : 'done';
    case 'delivered':
    case 'awaiting-delivery':
      return 'done';
    default:
      return null;
  }
}

/** Statuses a counter may set by hand (the select), in flow order. */
export const SETTABLE: readonly ItemStatus[] = ['accepted', 'proxy-accepted', 'entered', 'reviewed', 'delivered', 'awaiting-delivery', 'done', 'referred', 'declined', 'to-confirm', 'listed'];

export function timeOf(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('ja-JP', { timeZone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export function minutesSince(iso: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
}

/** True when a key press is typing into a field, so single-key shortcuts must not fire. */
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}
