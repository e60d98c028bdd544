import { z } from 'zod';
import type { Role, TerminalProfile } from '../config/schema';
import { method } from './define';

export interface TerminalInfo {
  terminal: TerminalProfile;
  cityName: string;
  site: string;
  timeZone: string;
  defaultLanguage: string;
  businessDate: string;
  stations: Array<{ id: string; name: string; range: { from: number; to: number } }>;
  /** Every terminal profile this host serves (browser mode lets a browser pick one). */
  terminals: Array<{ id: string; role: Role; station?: string; department?: string; counter?: string }>;
  staff?: { id: string; name: string; role: Role; department: string };
  version: string;
}

export const sessionMethods = {
  'terminal.info': method<TerminalInfo>()(z.object({})),
};
