import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../app/app';
import { guideCompletionRoute } from '../../guide/completions';
import { createHost } from '../../http/host';
import { isLoopbackBind } from '../../http/guard';
import { startTerminalServices } from '../../app/startServices';
import { APP_ROOT, defaultDataDir, ensureDemoSetup } from '../../terminal/dataFolder';
import { loggedIO } from '../../logs/appLog';
import { intFlag, stringFlag, type CliCommand } from '../command';

export const RENDERER_DIR = join(APP_ROOT, 'dist-renderer');

export const commands: CliCommand[] = [
  {
    name: 'web',
    summary: 'Serve the screens in browser mode (kiosk, counter, display, supervisor)',
    usage: 'web [--port N] [--host ADDR] [--name HOSTNAME,...] [--data DIR] [--config FILE]',
    options: { port: { type: 'string' }, host: { type: 'string' }, name: { type: 'string' }, data: { type: 'string' }, config: { type: 'string' } },
    async run(args, io) {
      const dataDir = stringFlag(args, 'data') ?? defaultDataDir();
      // Browser mode writes <data>/logs/app.log like the Electron app (README: Logs).
      const lio = loggedIO(io, dataDir, 'web');
      const configFile = stringFlag(args, 'config');
      if (!configFile && ensureDemoSetup(dataDir).created) lio.out(`set up the demo terminal in ${dataDir} (config.json from fixtures/config/demo.json)`);
      const port = intFlag(args, 'port', 8080, 0);
      const hostAddr = stringFlag(args, 'host') ?? '127.0.0.1';
      if (!existsSync(join(RENDERER_DIR, 'index.html'))) lio.err('warning: dist-renderer/ is missing; run "npm run build:renderer" (npm run web builds it).');
      const app = createApp(dataDir, configFile ? { configFile } : {});
      const names = (stringFlag(args, 'name') ?? '').split(',').map((n) => n.trim()).filter(Boolean);
      startTerminalServices(app, lio.out, lio.err);
      const server = createHost(app, { staticDir: RENDERER_DIR, extraRoutes: guideCompletionRoute(app), names });
      await new Promise<void>((ok, fail) => {
        server.once('error', fail);
        server.listen(port, hostAddr, () => ok());
      });
      const addr = server.address();
      const actual = typeof addr === 'object' && addr ? addr.port : port;
      io.out(`Madoguchi browser mode: http://${hostAddr}:${actual}/  (data: ${dataDir})`);
      if (!isLoopbackBind(hostAddr)) {
        io.out(`bound to ${hostAddr}, not only to loopback: every browser must be paired. A new browser shows a 6-digit code; approve it with`);
        io.out(`  madoguchi device approve CODE --terminal ID --data ${dataDir}`);
        const wildcard = hostAddr === '0.0.0.0' || hostAddr === '::';
        io.out(`The host answers only to ${[wildcard ? "this machine's own names and addresses" : hostAddr, ...names].join(', ')} (add names with --name).`);
      }
      lio.out(`Madoguchi browser mode: http://${hostAddr}:${actual}/  (data: ${dataDir})`);
      return new Promise<number>((done) => {
        const stop = () => {
          server.close();
          server.closeAllConnections();
          app.close();
          lio.stop(0);
          done(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    },
  },
];
