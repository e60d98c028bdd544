// Child process for it-backup: issues tickets through VisitService as fast as it can and prints
// each one only after its transaction committed, so the parent knows what is durable.
import { openTerminal } from '../../src-main/node/terminal/dataFolder';

const [dataDir, station = 'east', terminal = 'kiosk-east-1'] = process.argv.slice(2);
const t = openTerminal(dataDir!);
let stop = false;
process.on('SIGTERM', () => (stop = true));
process.stdin.on('close', () => (stop = true));
process.stdin.resume();

// Once the station's range is used up (999 numbers go by in a second or two on a fast machine),
// it stops issuing but keeps the database open, as a running kiosk would, until told to stop.
let full = false;

function loop(): void {
  for (let i = 0; i < 5 && !stop && !full; i++) {
    try {
      const v = t.visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: [] }, { terminal });
      process.stdout.write(`${v.id} ${v.number}\n`);
    } catch (e) {
      if (!/used its whole range/.test((e as Error).message)) throw e;
      full = true;
    }
  }
  if (stop) {
    t.close();
    process.stdout.write('stopped\n', () => process.exit(0));
    return;
  }
  if (full) setTimeout(loop, 50);
  else setImmediate(loop);
}
process.stdout.write('ready\n');
loop();
