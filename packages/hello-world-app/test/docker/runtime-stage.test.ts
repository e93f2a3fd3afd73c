import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDockerfileStages, type Stage } from '../../scripts/dockerfile';
import { call } from '../support/http';
import { LogLines } from '../support/log-lines';

const PACKAGE_DIR = join(__dirname, '..', '..');
const NODE_IN_IMAGE = '/nodejs/bin/node';

/**
 * No Docker engine runs here, so this replays the Dockerfile on the packed
 * tarballs, instruction by instruction as read from the Dockerfile: the
 * install stage's COPY and RUN in an empty directory standing for its WORKDIR,
 * then the runtime stage's COPY --from into another empty directory, and its
 * ENTRYPOINT and HEALTHCHECK with the image's node replaced by this one.
 */
describe('the runtime stage, replayed from the Dockerfile on the packed tarballs', () => {
  const stages = readDockerfileStages();
  const [install, runtime] = stages as [Stage, Stage];
  const root = mkdtempSync(join(tmpdir(), 'hello-world-image-'));
  /** A stage's file system: its WORKDIR and absolute paths map into a directory of its own. */
  const stageRoot = (stage: Stage) => join(root, stage.name);
  const inStage = (stage: Stage, path: string) =>
    path.startsWith('/') ? join(stageRoot(stage), path) : join(stageRoot(stage), stage.workdir ?? '/', path);
  let server: ReturnType<typeof spawn> | undefined;
  let port = 0;
  const log = new LogLines();

  beforeAll(async () => {
    // The build context, as `npx projen image` makes it: the tarballs npm would publish.
    const context = join(root, 'context');
    mkdirSync(join(context, 'dist', 'image'), { recursive: true });
    execFileSync('npm', ['pack', '--pack-destination', join(context, 'dist', 'image')], {
      cwd: PACKAGE_DIR,
      stdio: 'ignore',
    });

    mkdirSync(inStage(install, '.'), { recursive: true });
    for (const copy of install.copies) {
      for (const source of copy.sources)
        cpSync(join(context, source), inStage(install, copy.destination), { recursive: true });
    }
    for (const command of install.runs) {
      execFileSync('sh', ['-c', `${command} --prefer-offline`], { cwd: inStage(install, '.'), stdio: 'ignore' });
    }

    mkdirSync(inStage(runtime, '.'), { recursive: true });
    for (const copy of runtime.copies) {
      const from = stages.find((s) => s.name === copy.from) as Stage;
      for (const source of copy.sources)
        cpSync(inStage(from, source), inStage(runtime, copy.destination), { recursive: true });
    }

    const [node, ...args] = runtime.entrypoint ?? [];
    if (node !== NODE_IN_IMAGE) throw new Error(`the ENTRYPOINT starts ${node}, not ${NODE_IN_IMAGE}`);
    // As `docker run -e PORT=0`: a free port instead of the image's 8080, which other tests may hold.
    server = spawn(process.execPath, args, {
      cwd: inStage(runtime, '.'),
      env: { PATH: process.env.PATH, ...runtime.env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    server.stdout?.on('data', (chunk: Buffer) => log.write(chunk.toString('utf8')));
    server.once('close', (code) => log.end(new Error(`the server exited with code ${code}`)));
    port = Number((await log.message('ready to serve')).port);
  }, 120_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('contains the server and its production dependencies only, not the job builder', () => {
    const modules = readdirSync(inStage(runtime, 'node_modules'));
    expect(readdirSync(inStage(runtime, 'node_modules/@org'))).toEqual(['hello-world-app']);
    expect(modules).toEqual(expect.arrayContaining(['@org', 'pino', 'prom-client', 'zod']));
    for (const devOnly of ['typescript', 'vitest', 'autocannon', 'dockerfile-ast', 'tsx', '@cdktn', '@types']) {
      expect(modules, devOnly).not.toContain(devOnly);
    }
    expect(existsSync(inStage(runtime, 'node_modules/@org/hello-world-app/src'))).toBe(false);
  });

  it('serves the greeting and the probes from the installed package', async () => {
    const greeting = await call(port);
    expect(greeting.status).toBe(200);
    expect(greeting.body).toMatch(/^Hello from /);
    expect((await call(port, { path: '/ready' })).status).toBe(200);
    expect((await call(port, { path: '/metrics' })).body).toContain('# TYPE http_requests_total counter');
  });

  it("passes the image's HEALTHCHECK command", async () => {
    const [node, ...args] = runtime.healthcheck?.command ?? [];
    expect(node).toBe(NODE_IN_IMAGE);
    expect(await exitCodeOf(args, { ...runtime.env, PORT: String(port) })).toBe(0);
  });

  it("fails the image's HEALTHCHECK command when nothing answers", async () => {
    const [, ...args] = runtime.healthcheck?.command ?? [];
    expect(await exitCodeOf(args, { ...runtime.env, PORT: '1' })).toBe(1);
  });

  it('drains and exits 0 on SIGTERM, as `docker stop` and Nomad send it', async () => {
    // 'close' comes once the output is read to its end, so the last log lines are in.
    const exited = new Promise<number | null>((resolve) => server?.once('close', (code) => resolve(code)));
    server?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log.lines.map((l) => l.msg)).toContain('drained, exiting');
  });
});

/**
 * Runs node with `args` to its end. Docker would stop a HEALTHCHECK after its `--timeout`; here a command
 * that hangs fails the test by the test's own timeout instead, so that a slow machine fails nothing.
 */
function exitCodeOf(args: string[], env: Record<string, string>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}
