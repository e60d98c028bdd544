import { userInfo } from 'node:os';
import type { TerminalConfig } from '../../common/config/schema';
import type { ResidentReader } from './access';

/** The operating-system account running this process ("unknown" where there is no passwd entry). */
export function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * What `MADOGUCHI_OPERATOR` claims, as a note for an audit line's detail. The variable is set by
 * whoever runs the command, so it never becomes the actor: the actor is the OS account.
 */
export function claimedOperatorNote(): string | null {
  const v = process.env.MADOGUCHI_OPERATOR?.trim();
  return v ? `operator claimed (MADOGUCHI_OPERATOR, unverified): ${v.slice(0, 64)}` : null;
}

/**
 * The CLI runs as the operator at this terminal's shell: whoever can run it can already read the
 * database file, so it is not refused, but every read is still written to the audit log under
 * `cli:<os user>` (the OS account, which the environment cannot change).
 */
export function cliReader(config: TerminalConfig): ResidentReader {
  return { actor: `cli:${osUser()}`, terminal: config.node.id, role: 'admin', via: 'cli' };
}
