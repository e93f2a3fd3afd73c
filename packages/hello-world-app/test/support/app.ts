import { Writable } from 'node:stream';
import { type RunningApp, startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { type LogLine, LogLines } from './log-lines';

export type { LogLine } from './log-lines';

export interface TestApp extends RunningApp {
  /** Every log line written so far, parsed. */
  readonly logs: LogLine[];
  /** The log lines, to wait for one. */
  readonly log: LogLines;
}

/** The real app on a free loopback port, with its log lines captured. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const log = new LogLines();
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.write(chunk.toString('utf8'));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env }, 'test-host');
  const app = await startApp({ config, logDestination });
  return Object.assign(app, { logs: log.lines, log });
}
