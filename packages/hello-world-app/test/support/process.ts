import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { LogLines } from './log-lines';

const PACKAGE_DIR = join(__dirname, '..', '..');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The `hello-world-app` command run from its TypeScript sources, as a separate process. */
export class AppProcess {
  readonly log = new LogLines();
  stderr = '';
  readonly exited: Promise<Exit>;

  /** Starts the command and resolves once it logs that it serves (rejects if it exits first). */
  static async start(env: Record<string, string> = {}): Promise<AppProcess & { port: number }> {
    const app = new AppProcess(
      spawn(process.execPath, ['--import', 'tsx', 'src/bin.ts'], {
        cwd: PACKAGE_DIR,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const ready = await app.log.message('ready to serve');
    return Object.assign(app, { port: Number(ready.port) });
  }

  /** Runs the command to its end, for configuration errors. */
  static run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin.ts'], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => this.log.write(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => {
      // 'close' comes after the last output has been read, so every log line is in by then.
      child.on('close', (code, signal) => {
        this.log.end(new Error(`the app exited (code ${code}, signal ${signal}); stderr: ${this.stderr}`));
        resolve({ code, signal });
      });
    });
  }

  /** Every log line so far. */
  get logs() {
    return this.log.lines;
  }
}
