import { join } from 'node:path';
import type { CliIO } from '../cli/command';
import { RotatingLog } from './rotatingLog';

/**
 * `<data>/logs/app.log`, as the README promises: Electron writes it, and so do browser mode and
 * the CLI's long-running commands (`web`, `sync run`, `sync-server`) through this tee. Every line a
 * command prints also goes to the log with its time and level, plus a start and a stop line.
 */
export function appLog(dataDir: string): RotatingLog {
  return new RotatingLog({ dir: join(dataDir, 'logs'), name: 'app' });
}

export interface LoggedIO extends CliIO {
  log: RotatingLog;
  /** Writes the stop line and closes the file. */
  stop(code?: number): void;
}

export function loggedIO(io: CliIO, dataDir: string, command: string): LoggedIO {
  const log = appLog(dataDir);
  log.info(`${command} started (pid ${process.pid}, node ${process.version})`);
  return {
    ...io,
    out: (line: string) => {
      io.out(line);
      log.info(line);
    },
    err: (line: string) => {
      io.err(line);
      log.warn(line);
    },
    log,
    stop: (code = 0) => {
      log.info(`${command} stopped (exit ${code})`);
      log.close();
    },
  };
}
