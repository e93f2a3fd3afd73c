import { Writable } from 'node:stream';
import { type RunningApp, startApp } from '../../src/app';
import { loadConfig } from '../../src/config';

/** A log line as pino writes it. */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface TestApp extends RunningApp {
  /** Every log line written so far, parsed. */
  readonly logs: LogLine[];
}

/** The real app on a free loopback port, with its log lines captured. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const logs: LogLine[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env }, 'test-host');
  const app = await startApp({ config, logDestination });
  return Object.assign(app, { logs });
}
