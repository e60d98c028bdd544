// Child process for it-backup: issues tickets through VisitService as fast as it can and prints
// each one only after its transaction committed, so the parent knows what is durable.
import { openTerminal } from '../../src-main/node/terminal/dataFolder';

const [dataDir, station = 'east', terminal = 'kiosk-east-1'] = process.argv.slice(2);
const t = openTerminal(dataDir!);
let stop = false;
process.on('SIGTERM', () => (stop = true));
process.stdin.on('close', () => (stop = true));
process.stdin.resume();

function loop(): void {
  for (let i = 0; i < 5 && !stop; i++) {
    const v = t.visits.issue({ station, lang: 'ja', priority: false, events: ['moving-in'], facts: {}, items: [], route: [] }, { terminal });
    process.stdout.write(`${v.id} ${v.number}\n`);
  }
  if (stop) {
    t.close();
    process.stdout.write('stopped\n', () => process.exit(0));
    return;
  }
  setImmediate(loop);
}
process.stdout.write('ready\n');
loop();
