import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { call } from './support/http';
import { AppProcess } from './support/process';
import { SlowRequest } from './support/slow-request';

/** GET / over a keep-alive agent; resolves with the status, or the error code if the request failed. */
function get(port: number, agent: Agent): Promise<number | string> {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      .end();
  });
}

/** The longest drain timeout the configuration accepts: a drain that ends sooner ended because it was done. */
const LONGEST_DRAIN_TIMEOUT_MS = '600000';

describe('hello-world-app command', () => {
  it('stops with exit code 78 and one line naming the bad variable', async () => {
    const result = await AppProcess.run({ PORT: 'eighty' });
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'hello-world-app: Invalid configuration: PORT: expected a whole number from 0 to 65535, received "eighty"\n',
    );
  });

  it('on SIGTERM after steady traffic: answers every request in flight, then exits 0 before the drain deadline', async () => {
    const app = await AppProcess.start({ DRAIN_TIMEOUT_MS: LONGEST_DRAIN_TIMEOUT_MS });
    const inFlight = await Promise.all(Array.from({ length: 10 }, () => SlowRequest.open(app.port)));
    // Steady traffic from 10 keep-alive clients, as a load balancer sends it, 10 requests each, until the signal.
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    const statuses: (number | string)[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < 10; i++) statuses.push(await get(app.port, agent));
      }),
    );

    app.child.kill('SIGTERM');
    expect(await app.log.message('draining')).toMatchObject({
      level: 'info',
      signal: 'SIGTERM',
      drainWindowMs: 1000,
      drainTimeoutMs: 600_000,
    });
    for (const request of inFlight) request.finish();
    const answers = await Promise.all(inFlight.map((r) => r.closed));
    const exit = await app.exited;
    agent.destroy();

    expect(statuses).toEqual(Array.from({ length: 100 }, () => 200));
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // Exit code 0 and the log say the drain ended because every connection did; the deadline (10 minutes) never came.
    expect(exit.code).toBe(0);
    expect(app.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['draining', 'drained, exiting']));
    expect(app.logs.map((l) => l.msg)).not.toContain('drain deadline reached, closed the remaining connections');
  });

  it('exits on SIGTERM when its standard output has been closed (`hello-world-app | head -1`)', async () => {
    const app = await AppProcess.start();
    // As `head -1` does once it has its line: the next log line meets a closed pipe (EPIPE).
    app.child.stdout?.destroy();
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  });

  it('exits on SIGTERM when nothing reads its standard output any more (a stalled log collector)', async () => {
    const app = await AppProcess.start();
    const exited = new Promise<number | null>((resolve) => app.child.once('exit', (code) => resolve(code)));
    app.child.stdout?.pause();
    // Fill the pipe: each 404 is logged at info with its 8 KB path, 2.4 MB in all, more than any pipe holds.
    const path = `/${'x'.repeat(8 * 1024)}`;
    for (let i = 0; i < 300; i++) expect((await call(app.port, { path })).status).toBe(404);
    app.child.kill('SIGTERM');
    // Drained (exit code 0), though the log lines saying so could not all be written.
    expect(await exited).toBe(0);
    app.child.stdout?.resume();
  });

  it('drains on SIGINT too (Ctrl-C)', async () => {
    const app = await AppProcess.start();
    app.child.kill('SIGINT');
    expect((await app.exited).code).toBe(0);
    expect(app.logs.find((l) => l.msg === 'draining')).toMatchObject({ signal: 'SIGINT' });
  });

  it('exits 1 at the drain deadline when a request never finishes, cutting it', async () => {
    const app = await AppProcess.start({ DRAIN_TIMEOUT_MS: '500' });
    const stuck = await SlowRequest.open(app.port);
    app.child.kill('SIGTERM');
    const exit = await app.exited;

    // The exit came from the deadline: the log says so, after the drain began, and the stuck request got no answer.
    expect(exit.code).toBe(1);
    const messages = app.logs.map((l) => l.msg);
    expect(messages.indexOf('drain deadline reached, closed the remaining connections')).toBeGreaterThan(
      messages.indexOf('draining'),
    );
    expect(app.logs.find((l) => l.msg === 'drain deadline reached, closed the remaining connections')).toMatchObject({
      level: 'warn',
      connections: 1,
    });
    expect(messages).not.toContain('drained, exiting');
    expect(await stuck.closed).toBe('');
  });
});
