import { createContext, useContext } from 'react';
import type { TerminalInfo } from '../../src-main/common/contract/session';

export const TerminalContext = createContext<TerminalInfo | null>(null);

export function useTerminal(): TerminalInfo {
  const t = useContext(TerminalContext);
  if (!t) throw new Error('useTerminal outside the terminal shell');
  return t;
}
