import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { train } from '../../src/commands/train';
import { DEFAULT_DATA, irisCsv } from '../../src/data/data-source';
import { silentLogger } from '../../src/observability/logger';
import { type PredictionService, startPredictionService } from '../../src/serve/prediction-service';
import { suiteTempDir } from '../support/temp';

const context = { logger: silentLogger, env: {} };
const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const VIRGINICA = [6.7, 3.0, 5.2, 2.3];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request on its own connection; resolves with the whole answer. */
function call(port: number, method: string, path: string, body?: string | Buffer, type = 'application/json') {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: body === undefined ? {} : { 'content-type': type } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const json = (answer: Answer) => JSON.parse(answer.body);

describe('startPredictionService', () => {
  const out = suiteTempDir();
  let service: PredictionService;

  beforeAll(async () => {
    await train({ data: DEFAULT_DATA, out, runId: 'r1' }, context);
    service = await startPredictionService(
      { model: out, port: 0, host: '127.0.0.1', reloadIntervalSeconds: 0, drainSeconds: 0 },
      context,
    );
    return () => service.shutdown();
  });

  it('answers health and readiness with the run it serves', async () => {
    expect(await call(service.port, 'GET', '/health')).toMatchObject({ status: 200 });
    const ready = await call(service.port, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(json(ready)).toEqual({ status: 'ready', runId: 'r1' });
  });

  it('predicts JSON rows (objects by column or arrays in column order) and CSV batches', async () => {
    const answer = await call(service.port, 'POST', '/predict', JSON.stringify({ rows: [SETOSA, VIRGINICA] }));
    expect(answer.status, answer.body).toBe(200);
    const body = json(answer);
    expect(body.runId).toBe('r1');
    expect(body.predictions.map((p: { prediction: string }) => p.prediction)).toEqual(['setosa', 'virginica']);
    const probabilities = body.predictions[0].probabilities as Record<string, number>;
    expect(Object.keys(probabilities)).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Object.values(probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);

    // The whole iris file as one CSV batch (the label column is ignored): the training accuracy, about 97%.
    const csv = await call(service.port, 'POST', '/predict', irisCsv(), 'text/csv');
    expect(csv.status, csv.body).toBe(200);
    const predicted = json(csv).predictions.map((p: { prediction: string }) => p.prediction);
    const actual = irisCsv()
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',').at(-1));
    expect(predicted).toHaveLength(150);
    expect(predicted.filter((p: string, i: number) => p === actual[i]).length).toBeGreaterThanOrEqual(140);
  });

  it.each([
    ['malformed JSON', '{"rows": [', 'application/json', 400, /^malformed JSON: /],
    ['no rows', '{"rows": []}', 'application/json', 400, /^expected \{"rows": \[\.\.\.\]\} with at least one row/],
    ['a wrong column count', '{"rows": [[1, 2, 3]]}', 'application/json', 400, /^rows\[0\]: expected 4 values/],
    [
      'NaN',
      '{"rows": [[1, 2, "NaN", 4]]}',
      'application/json',
      400,
      /^rows\[0\]\[2\] \(petal_length\): expected a finite number, received "NaN"/,
    ],
    ['null', '{"rows": [[1, null, 3, 4]]}', 'application/json', 400, /expected a finite number, received null/],
    [
      'a missing column',
      '{"rows": [{"sepal_length": 1}]}',
      'application/json',
      400,
      /^rows\[0\]: missing column "sepal_width"/,
    ],
    [
      'an unknown column',
      `{"rows": [${JSON.stringify({ ...SETOSA, x: 1 })}]}`,
      'application/json',
      400,
      /unknown column "x"/,
    ],
    [
      'values that overflow the model',
      '{"rows": [[1e308, -1e308, 1e308, -1e308]]}',
      'application/json',
      400,
      /too large for the model/,
    ],
    [
      'a bad CSV row',
      'sepal_length,sepal_width,petal_length,petal_width\n1,2,x,4\n',
      'text/csv',
      400,
      /^request body:2: column "petal_length": expected a number/,
    ],
    ['another content type', 'hello', 'text/plain', 415, /^send application\/json/],
  ])('rejects %s with a 4xx and a message, and keeps serving', async (_, body, type, status, message) => {
    const answer = await call(service.port, 'POST', '/predict', body, type);
    expect(answer.status).toBe(status);
    expect(json(answer).error).toMatch(message);
    expect((await call(service.port, 'POST', '/predict', JSON.stringify({ rows: [SETOSA] }))).status).toBe(200);
  });

  it('rejects a 10 MB body with 413, and keeps serving', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const answer = await call(service.port, 'POST', '/predict', big);
    expect(answer.status).toBe(413);
    expect(json(answer).error).toBe('request body over 1048576 bytes: send fewer rows per request');
    expect((await call(service.port, 'POST', '/predict', JSON.stringify({ rows: [SETOSA] }))).status).toBe(200);
  });

  it('answers 404 for other paths and 405 for GET /predict', async () => {
    expect((await call(service.port, 'GET', '/nope')).status).toBe(404);
    const get = await call(service.port, 'GET', '/predict');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('reloads while serving when latest moves to a new complete run, and never to a broken one', async () => {
    await train({ data: DEFAULT_DATA, out, runId: 'r2', hyperparameters: { model: 'mlp', epochs: 30 } }, context);
    // Requests in flight during the switch each get one whole model: r1's or r2's.
    const during = Array.from({ length: 20 }, () =>
      call(service.port, 'POST', '/predict', JSON.stringify({ rows: [SETOSA] })),
    );
    expect(await service.checkForNewModel()).toBe(true);
    for (const answer of await Promise.all(during)) {
      expect(answer.status).toBe(200);
      expect(['r1', 'r2']).toContain(json(answer).runId);
    }
    expect(service.runId).toBe('r2');
    expect(json(await call(service.port, 'POST', '/predict', JSON.stringify({ rows: [SETOSA] }))).runId).toBe('r2');

    // A complete run whose model was changed after its manifest (a half-copied or tampered run): not loaded.
    await train({ data: DEFAULT_DATA, out, runId: 'r3', hyperparameters: { epochs: 2 } }, context);
    writeFileSync(join(out, 'r3', 'model.json'), '{"truncated": ');
    expect(await service.checkForNewModel()).toBe(false);
    expect(service.runId).toBe('r2');
    expect(json(await call(service.port, 'GET', '/ready')).runId).toBe('r2');

    const metrics = (await call(service.port, 'GET', '/metrics')).body;
    expect(metrics).toContain('trainer_serve_model_info{run_id="r2"} 1');
    expect(metrics).toContain('trainer_serve_model_reloads_total{result="loaded"} 1');
    expect(metrics).toContain('trainer_serve_model_reloads_total{result="failed"} 1');
    expect(metrics).toMatch(/trainer_serve_requests_total\{route="\/predict",status="400"\} \d+/);
    expect(metrics).toMatch(/trainer_serve_predictions_total \d+/);
    expect(metrics).toContain('trainer_serve_request_duration_seconds_bucket{le="0.01",route="/predict"}');
  });
});

describe('PredictionService.shutdown', () => {
  const out = suiteTempDir();
  beforeAll(async () => {
    await train({ data: DEFAULT_DATA, out, runId: 'r1', hyperparameters: { epochs: 5 } }, context);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drains: /ready answers 503 and requests are still answered, with Connection: close, then it closes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] }); // only the drain timer; sockets run for real
    const service = await startPredictionService(
      { model: out, port: 0, host: '127.0.0.1', reloadIntervalSeconds: 0, drainSeconds: 5 },
      context,
    );
    let closed = false;
    const stopping = service.shutdown().then(() => {
      closed = true;
    });
    const ready = await call(service.port, 'GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers.connection).toBe('close');
    const predicted = await call(service.port, 'POST', '/predict', JSON.stringify({ rows: [SETOSA] }));
    expect(predicted.status).toBe(200);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    await stopping;
    expect(closed).toBe(true);
    await expect(call(service.port, 'GET', '/health')).rejects.toThrow(/ECONNREFUSED/);
  });
});
