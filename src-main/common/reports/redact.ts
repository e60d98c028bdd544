/**
 * Data retention: what of a visit event is personal and is erased once the retention period has
 * passed. Facts (household composition, birth dates), handoff-note text, resident ids and the
 * free-text reasons staff typed may identify a person; the event's type, times, places, item ids,
 * statuses, payment methods and amounts and survey scores are anonymous and stay, so the day's
 * statistics can still be recomputed from the log.
 */
export const REDACTED_TEXT = '';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The payload with personal details removed, or null when the event carries none. */
export function redactPayload(type: string, payload: unknown): Obj | null {
  if (!isObj(payload) || payload.redacted === true) return null;
  const p: Obj = { ...payload };
  switch (type) {
    case 'visit.issued':
      p.facts = null;
      if (Array.isArray(p.adjustments)) p.adjustments = p.adjustments.map((a) => (isObj(a) ? { ...a, reason: REDACTED_TEXT } : a));
      break;
    case 'visit.noteAdded':
      p.text = REDACTED_TEXT;
      break;
    case 'visit.membersAttached':
      p.facts = null;
      p.residentIds = [];
      break;
    case 'visit.itemStatus':
      if (p.reason === undefined) return null;
      p.reason = REDACTED_TEXT;
      break;
    case 'visit.finishedHere':
      if (!isObj(p.leftOpen)) return null;
      p.leftOpen = { ...p.leftOpen, reason: REDACTED_TEXT };
      break;
    case 'visit.itemAdded':
    case 'visit.cancelled':
      p.reason = REDACTED_TEXT;
      break;
    default:
      return null;
  }
  p.redacted = true;
  return p;
}
