import { AppError } from '../../../common/errors';
import { createStatusRelay } from '../../statusRelay/server';
import { checkPublishKey } from '../../statusRelay/signature';
import { intFlag, stringFlag, type CliCommand } from '../command';

export const commands: CliCommand[] = [
  {
    name: 'status-relay',
    summary: "Serve the public wait board: accepts the sync service's signed snapshots, answers visitors' phones",
    usage: 'status-relay --port N --key K [--host ADDR] [--stale-seconds S] [--rate BURST/PER_SECOND] [--trust-proxy]',
    options: { port: { type: 'string' }, key: { type: 'string' }, host: { type: 'string' }, 'stale-seconds': { type: 'string' }, rate: { type: 'string' }, 'trust-proxy': { type: 'boolean' } },
    async run(args, io) {
      const key = checkPublishKey(stringFlag(args, 'key') ?? process.env.MADOGUCHI_PUBLISH_KEY, 'key');
      const port = intFlag(args, 'port', 8790, 0);
      const host = stringFlag(args, 'host') ?? '127.0.0.1';
      const staleSeconds = intFlag(args, 'stale-seconds', 120, 5);
      const rate = stringFlag(args, 'rate');
      let rateLimit: { burst: number; perSecond: number } | undefined;
      if (rate) {
        const m = /^(\d{1,5})\/(\d{1,4}(?:\.\d+)?)$/.exec(rate);
        if (!m || Number(m[1]) < 1 || Number(m[2]) <= 0) throw new AppError('bad-input', `--rate: "${rate}" must be BURST/PER_SECOND, e.g. 60/2`, { field: 'rate' });
        rateLimit = { burst: Number(m[1]), perSecond: Number(m[2]) };
      }
      const relay = createStatusRelay({ key, staleSeconds, ...(rateLimit ? { rateLimit } : {}), trustProxy: args.values['trust-proxy'] === true, log: (l) => io.err(l) });
      const { url } = await relay.listen(port, host);
      io.out(`Madoguchi status relay: ${url}  (snapshots to ${url}/publish; phones open ${url}/s/<site>/<number>)`);
      return new Promise<number>((done) => {
        const stop = () => void relay.close().then(() => done(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    },
  },
];
