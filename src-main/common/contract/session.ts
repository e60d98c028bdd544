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
  /** The city's extra closed days (config `closedDays`), so an on-screen deadline moves past them as the printed one does. */
  closedDays: string[];
  stations: Array<{ id: string; name: string; range: { from: number; to: number } }>;
  /** Every terminal profile this host serves (browser mode lets a browser pick one). */
  terminals: Array<{ id: string; role: Role; station?: string; department?: string; counter?: string }>;
  staff?: { id: string; name: string; role: Role; department: string };
  version: string;
}

/** A browser that asked to be paired with this host (browser mode), as an administrator sees it. */
export interface PairingRequest {
  id: string;
  /** The short code the browser shows, for the administrator to compare. */
  code: string;
  label: string;
  terminal: string | null;
  status: 'pending' | 'approved' | 'revoked';
  requestedAt: string;
  requestedFrom: string;
}

const ADMIN = { roles: ['supervisor', 'admin'] as const, staff: true };

export const sessionMethods = {
  'terminal.info': method<TerminalInfo>()(z.object({})),
  'device.pending': method<PairingRequest[]>()(z.object({}), ADMIN),
  'device.approve': method<PairingRequest>()(z.object({ code: z.string().trim().regex(/^\d{6}$/, 'the 6-digit code the browser shows'), terminal: z.string().trim().min(1).max(80) }).strict(), ADMIN),
  'device.revoke': method<PairingRequest>()(z.object({ id: z.string().trim().min(1).max(80) }).strict(), ADMIN),
};
