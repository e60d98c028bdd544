import { resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { StaffDirectory } from '../../staff/staff';
import { defaultDataDir, openTerminal } from '../../terminal/dataFolder';
import { formatFlag, requiredFlag, stringFlag, type CliCommand } from '../command';

async function readPin(args: Parameters<CliCommand['run']>[0], io: Parameters<CliCommand['run']>[1]): Promise<string> {
  const flag = stringFlag(args, 'pin');
  if (flag !== undefined) return flag;
  // One line on stdin, so the PIN never shows in the shell history or the process list.
  const text = await io.readStdin();
  const pin = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (!pin) throw new AppError('bad-input', 'give the PIN on stdin (one line) or with --pin', { field: 'pin' });
  return pin;
}

export const commands: CliCommand[] = [
  {
    name: 'staff add',
    summary: 'Add a staff member who signs in with a staff id and PIN (PIN from stdin, or --pin)',
    usage: 'staff add --id S --name N --role concierge|counter|supervisor|admin --department D [--data DIR] [--pin NNNN]',
    options: { data: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' }, pin: { type: 'string' } },
    async run(args, io) {
      const input = { id: requiredFlag(args, 'id'), name: requiredFlag(args, 'name'), role: requiredFlag(args, 'role'), department: requiredFlag(args, 'department') };
      const pin = await readPin(args, io);
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const m = new StaffDirectory(t.store.db).add({ ...input, pin });
        io.out(`added ${m.id} (${m.name}, ${m.role}, ${m.department})`);
        return 0;
      } finally {
        t.close();
      }
    },
  },
  {
    name: 'staff set-pin',
    summary: "Set a staff member's PIN (PIN from stdin, or --pin); clears a lock-out",
    usage: 'staff set-pin --id S [--data DIR] [--pin NNNN]',
    options: { data: { type: 'string' }, id: { type: 'string' }, pin: { type: 'string' } },
    async run(args, io) {
      const id = requiredFlag(args, 'id');
      const pin = await readPin(args, io);
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        new StaffDirectory(t.store.db).setPin(id, pin);
        io.out(`PIN set for ${id}`);
        return 0;
      } finally {
        t.close();
      }
    },
  },
  {
    name: 'staff list',
    summary: 'List the staff of this terminal (never the PINs)',
    usage: 'staff list [--data DIR] [--format text|json]',
    options: { data: { type: 'string' }, format: { type: 'string' } },
    async run(args, io) {
      const format = formatFlag(args, ['text', 'json'], 'text');
      const t = openTerminal(resolve(stringFlag(args, 'data') ?? defaultDataDir()));
      try {
        const list = new StaffDirectory(t.store.db).list();
        if (format === 'json') io.out(JSON.stringify(list));
        else for (const m of list) io.out(`${m.id.padEnd(16)} ${m.role.padEnd(10)} ${m.department.padEnd(14)} ${m.name}${m.lockedUntil ? `  (locked until ${m.lockedUntil})` : ''}`);
        return 0;
      } finally {
        t.close();
      }
    },
  },
];
