import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LogLine } from './app';

const PACKAGE_DIR = join(__dirname, '..', '..');

/** The `hello-world-app` command run from its TypeScript sources, as a separate process. */
export class AppProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;

  static async start(env: Record<string, string> = {}): Promise<AppProcess & { port: number }> {
    const app = new AppProcess(
      spawn(process.execPath, ['--import', 'tsx', 'src/bin.ts'], {
        cwd: PACKAGE_DIR,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const port = await app.readyPort();
    return Object.assign(app, { port });
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
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) this.logs.push(JSON.parse(line) as LogLine);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() })),
    );
  }

  private async readyPort(): Promise<number> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const ready = this.logs.find((line) => line.msg === 'ready to serve');
      if (ready) return Number(ready.port);
      if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode}: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`not ready after 20 s: ${this.stderr}`);
  }
}
