/**
 * A sync answer's JSON from its UTF-8 bytes: always the value `JSON.parse` gives of their text,
 * and the same error when there is none.
 *
 * A 2,000-event pull page is about 800 KB. Decoded as one string, V8 puts it in fresh memory of
 * its own (a string that large never goes in the young generation), and the first touch of fresh
 * memory is what costs on these machines (about 11 µs per 4 KiB page: some 4,800 page faults, a
 * third of a terminal's, per 50,000-event catch-up). A page in the layout the sync server writes
 * (pullPage.ts: `{"protocol":N,"events":[` … `],"more":B,"serverNow":T}`) is therefore decoded
 * and parsed in slices of about 32 KB, cut between two events, each small enough for memory the
 * process already holds, and the slices' events are joined.
 *
 * Why the result is the whole text's: a slice is cut only at a `,` followed by `{"origin":`, and
 * parsed as `[` + slice + `]`. Each slice starts where an event starts (the first right after the
 * header's `[`), so a slice that parses to at least one value is one or more whole values separated
 * by commas outside any string: the cut was between two events of the array, and the joined events are
 * those of the whole array. The header and the end must be exactly the server's (no escapes, no
 * other key), so the object around the events is the whole text's too. Anything else (another
 * layout, a slice that does not parse) is parsed whole, as before: its value, or its error.
 * tests/integration/sync-answer-json.test.ts compares the two on random and hostile pages.
 */

/** Bytes of a slice, about: its string (≤ 64 KiB even when every character takes two bytes) stays in V8's young generation. */
export const SLICE_BYTES = 32 * 1024;
/** Below this, a page is parsed whole (one small string costs nothing). */
const SLICED_FROM_BYTES = 4 * SLICE_BYTES;

const EVENT_CUT = Buffer.from(',{"origin":');
const HEAD = /^\{"protocol":(0|[1-9]\d{0,8}),"events":\[$/;
const END = /^\],"more":(?:true|false),"serverNow":-?(?:0|[1-9]\d{0,15})\}$/;
/** Longest header and end the server writes (the regular expressions above), in bytes. */
const HEAD_MAX = 48;
const END_MAX = 64;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export function parseAnswerJson(bytes: Buffer): unknown {
  const sliced = bytes.length >= SLICED_FROM_BYTES ? parsePageInSlices(bytes) : null;
  return sliced ? sliced.value : JSON.parse(bytes.toString('utf8'));
}

/**
 * The page parsed slice by slice (and the number of slices), or null when it is not in the
 * server's layout or a slice does not parse: the caller parses it whole.
 */
export function parsePageInSlices(bytes: Buffer): { value: unknown; slices: number } | null {
  const open = bytes.indexOf(OPEN_BRACKET);
  if (open < 0 || open >= HEAD_MAX) return null;
  const head = bytes.toString('latin1', 0, open + 1);
  if (!HEAD.test(head)) return null;
  const close = bytes.lastIndexOf(CLOSE_BRACKET);
  if (close <= open || bytes.length - close > END_MAX) return null;
  const end = bytes.toString('latin1', close);
  if (!END.test(end)) return null;
  let page: { events: unknown };
  try {
    page = JSON.parse(head + end) as { events: unknown };
  } catch {
    return null;
  }
  const events: unknown[] = [];
  let slices = 0;
  let from = open + 1;
  while (from < close) {
    const cut = from + SLICE_BYTES < close ? bytes.indexOf(EVENT_CUT, from + SLICE_BYTES) : -1;
    const to = cut >= 0 && cut < close ? cut : close;
    let slice: unknown;
    try {
      slice = JSON.parse(`[${bytes.toString('utf8', from, to)}]`);
    } catch {
      return null;
    }
    // An empty slice (only spaces before a cut) would join as `[,…]`, which the whole text is not.
    if ((slice as unknown[]).length === 0) return null;
    for (const e of slice as unknown[]) events.push(e);
    slices++;
    // Past the comma: the next slice starts with the event's `{`.
    from = to + 1;
  }
  page.events = events;
  return { value: page, slices };
}
