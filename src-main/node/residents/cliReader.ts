import { userInfo } from 'node:os';
import type { TerminalConfig } from '../../common/config/schema';
import type { ResidentReader } from './access';

/**
 * The CLI runs as the operator at this terminal's shell: whoever can run it can already read the
 * database file, so it is not refused, but every read is still written to the audit log under
 * `cli:<os user>`.
 */
export function cliReader(config: TerminalConfig): ResidentReader {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (containers): keep "unknown" */
  }
  return { actor: `cli:${process.env.MADOGUCHI_OPERATOR ?? user}`, terminal: config.node.id, role: 'admin', via: 'cli' };
}
