import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { train } from '../../src/commands/train';
import { DEFAULT_DATA } from '../../src/data/data-source';
import { silentLogger } from '../../src/observability/logger';
import { finished, logLines, spawnCli } from '../support/cli';
import { tempDir } from '../support/temp';

/** Resolves with the child's first JSON log line whose msg is `msg` (event-driven: no deadline but the test's). */
function logged(child: ChildProcess, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk;
      const line = logLines(buffer.slice(0, buffer.lastIndexOf('\n') + 1)).find((l) => l.msg === msg);
      if (line) {
        child.stderr?.off('data', onData);
        resolve(line);
      }
    };
    child.stderr?.on('data', onData);
    child.once('close', () => reject(new Error(`the service exited before logging "${msg}":\n${buffer}`)));
  });
}

const predict = (url: string) =>
  fetch(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rows: [[5.1, 3.5, 1.4, 0.2]] }),
  }).then(async (response) => ({ status: response.status, body: await response.json() }));

describe('trainer serve', () => {
  it('serves the latest run, reloads on SIGHUP when a new run completes, and stops on SIGTERM', async () => {
    const out = tempDir();
    const context = { logger: silentLogger, env: {} };
    await train({ data: DEFAULT_DATA, out, runId: 'first' }, context);

    const child = spawnCli(['serve', '--model', out, '--port', '0', '--host', '127.0.0.1', '--drain-seconds', '0']);
    const exit = finished(child);
    const serving = await logged(child, 'serving');
    const url = serving.url as string;
    expect(serving.runId).toBe('first');
    expect(await predict(url)).toMatchObject({
      status: 200,
      body: { runId: 'first', predictions: [{ prediction: 'setosa' }] },
    });

    await train({ data: DEFAULT_DATA, out, runId: 'second' }, context);
    const loaded = logged(child, 'model loaded');
    child.kill('SIGHUP');
    expect(await loaded).toMatchObject({ runId: 'second', previous: 'first' });
    expect((await predict(url)).body.runId).toBe('second');

    child.kill('SIGTERM');
    const stopped = await exit;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ runId: 'second', stopped: true });
  });

  it('refuses to start without a complete run, saying what it looked for', async () => {
    const out = tempDir();
    const result = await finished(spawnCli(['serve', '--model', out, '--port', '0']));
    expect(result.code).toBe(1);
    expect(logLines(result.stderr).at(-1)).toMatchObject({ code: 'invalid-model' });
  });
});
