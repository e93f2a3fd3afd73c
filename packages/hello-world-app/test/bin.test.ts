import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
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
    const drainTimeoutMs = 4000;
    const app = await AppProcess.start({ DRAIN_TIMEOUT_MS: String(drainTimeoutMs) });
    const inFlight = await Promise.all(Array.from({ length: 10 }, () => SlowRequest.open(app.port)));
    // Steady traffic from 10 keep-alive clients, as a load balancer sends it, until the signal.
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    let sending = true;
    const statuses: (number | string)[] = [];
    const clients = Array.from({ length: 10 }, async () => {
      while (sending) statuses.push(await get(app.port, agent));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    sending = false;
    await Promise.all(clients);
    const signalledAt = performance.now();
    app.child.kill('SIGTERM');
    await expect.poll(() => app.logs.some((l) => l.msg === 'draining')).toBe(true);
    for (const request of inFlight) request.finish();
    const answers = await Promise.all(inFlight.map((r) => r.closed));
    const exit = await app.exited;
    agent.destroy();

    expect(statuses.length).toBeGreaterThan(50);
    expect(statuses.every((s) => s === 200)).toBe(true);
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(exit.code).toBe(0);
    expect(exit.atMs - signalledAt).toBeLessThan(drainTimeoutMs);
    expect(app.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['draining', 'drained, exiting']));
    expect(app.logs.find((l) => l.msg === 'draining')).toMatchObject({ level: 'info', signal: 'SIGTERM' });
  });

  it('drains on SIGINT too (Ctrl-C)', async () => {
    const app = await AppProcess.start();
    app.child.kill('SIGINT');
    expect((await app.exited).code).toBe(0);
    expect(app.logs.find((l) => l.msg === 'draining')).toMatchObject({ signal: 'SIGINT' });
  });

  it('exits 1 at the drain deadline when a request never finishes, well within the kill timeout', async () => {
    const app = await AppProcess.start({ DRAIN_TIMEOUT_MS: '500' });
    const stuck = await SlowRequest.open(app.port);
    const signalledAt = performance.now();
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(exit.atMs - signalledAt).toBeGreaterThanOrEqual(495);
    expect(exit.atMs - signalledAt).toBeLessThan(3000);
    expect(app.logs.find((l) => l.msg === 'drain deadline reached, closed the remaining connections')).toMatchObject({
      level: 'warn',
      connections: 1,
    });
    expect(await stuck.closed).toBe('');
  });
});
