import { resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { terminalById } from '../../../common/config/schema';
import { DeviceRegistry } from '../../http/devices';
import { writeAudit } from '../../residents/audit';
import { claimedOperatorNote, osUser } from '../../residents/cliReader';
import { defaultDataDir, openTerminal } from '../../terminal/dataFolder';
import { requiredFlag, stringFlag, type CliCommand } from '../command';

/** Browser mode pairing, from the host's own shell (the administrator's side of http/devices.ts). */
function withDevices<T>(args: Parameters<CliCommand['run']>[0], fn: (d: DeviceRegistry, t: ReturnType<typeof openTerminal>) => T): T {
  const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
  try {
    return fn(new DeviceRegistry(t.store.db, () => t.store.now()), t);
  } finally {
    t.close();
  }
}

const actor = () => `cli:${osUser()}`;

export const commands: CliCommand[] = [
  {
    name: 'device list',
    summary: 'Browsers paired with this browser-mode host, and pairing requests waiting',
    usage: 'device list [--data DIR] [--format text|json]',
    options: { data: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      return withDevices(args, (d) => {
        const all = d.list();
        if (stringFlag(args, 'format') === 'json') io.out(JSON.stringify(all));
        else for (const r of all) io.out(`${r.status.padEnd(8)} ${r.status === 'pending' ? r.code : '------'} ${(r.terminal ?? '-').padEnd(20)} ${r.requestedFrom.padEnd(16)} ${r.label}  (${r.id})`);
        return 0;
      });
    },
  },
  {
    name: 'device approve',
    summary: 'Approve a waiting browser by the 6-digit code it shows, as one terminal (audited)',
    usage: 'device approve CODE --terminal ID [--data DIR]',
    options: { data: { type: 'string' }, terminal: { type: 'string' } },
    allowPositionals: true,
    async run(args, io) {
      const code = args.positionals[0];
      if (!code || !/^\d{6}$/.test(code) || args.positionals.length > 1) throw new AppError('bad-input', 'give the 6-digit code the browser shows', { field: 'code' });
      const terminal = requiredFlag(args, 'terminal');
      return withDevices(args, (d, t) => {
        terminalById(t.config, terminal);
        const r = d.approve(code, terminal, actor());
        writeAudit(t.store, { actor: actor(), terminal: t.config.node.id }, [{ action: 'device-paired', purpose: 'browser pairing', detail: [`device ${r.id} (${r.label}, from ${r.requestedFrom}) approved as ${terminal}`, claimedOperatorNote()].filter(Boolean).join('; ') }]);
        io.out(`approved: ${r.label} from ${r.requestedFrom} is terminal ${terminal} (device ${r.id})`);
        return 0;
      });
    },
  },
  {
    name: 'device revoke',
    summary: 'Unpair a browser (its sessions end at once; audited)',
    usage: 'device revoke ID [--data DIR]',
    options: { data: { type: 'string' } },
    allowPositionals: true,
    async run(args, io) {
      const id = args.positionals[0];
      if (!id || args.positionals.length > 1) throw new AppError('bad-input', 'give the device id (see "device list")', { field: 'id' });
      return withDevices(args, (d, t) => {
        const r = d.revoke(id, actor());
        writeAudit(t.store, { actor: actor(), terminal: t.config.node.id }, [{ action: 'device-revoked', purpose: 'browser pairing', detail: [`device ${r.id} (${r.label}) revoked`, claimedOperatorNote()].filter(Boolean).join('; ') }]);
        io.out(`revoked device ${r.id} (${r.label})`);
        return 0;
      });
    },
  },
];
