import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandContext } from '../commands/context';
import { loadModel } from '../commands/load-model';
import { readCsv } from '../data/csv-reader';
import { TrainerError } from '../errors';
import { argmax } from '../model/dense-network';
import type { LoadedModel } from '../model/model-file';
import { parseLocation } from '../storage/location';
import { type CompleteRun, RunStore } from '../storage/run-store';
import { storeAt } from '../storage/stores';

export interface ServeOptions {
  /** An output location (its `latest` run, followed as it moves) or one run's directory; `s3://` too. */
  readonly model: string;
  /** @default 8080 (0 picks a free port) */
  readonly port?: number;
  /** @default '0.0.0.0' */
  readonly host?: string;
  /** How often to look for a new `latest` run. @default 10 */
  readonly reloadIntervalSeconds?: number;
  /** After a stop request, keep answering (with `/ready` 503) this long before closing. @default 5 */
  readonly drainSeconds?: number;
  /** Largest request body accepted; larger gets 413. @default 1048576 (1 MiB) */
  readonly maxBodyBytes?: number;
}

/** A running prediction service. */
export interface PredictionService {
  readonly port: number;
  /** The run whose model answers now. */
  readonly runId: string;
  /** Looks at `latest` now, and switches to a newer complete run (hash-checked) if there is one. */
  checkForNewModel(): Promise<boolean>;
  /** Stops: `/ready` answers 503 for the drain time, then the server closes after the requests in flight. */
  shutdown(): Promise<void>;
}

type ServedModel = LoadedModel & { run: CompleteRun };

/** A request problem: answered with its status and message, and the service goes on. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * `trainer serve`: predictions over HTTP from the model of a complete run.
 *
 * - `POST /predict`: a JSON body `{"rows": [...]}` (each row an object of feature
 *   columns, or an array in the model's column order) or a CSV body with a header;
 *   answers `{"runId", "predictions": [{"prediction", "probabilities"}]}`.
 * - `GET /health` (the process is up), `GET /ready` (a model is loaded and the
 *   service is not draining), `GET /metrics` (Prometheus).
 *
 * A bad request (malformed JSON, a missing or extra column, a value that is not a
 * finite number, a body over the limit) gets a 4xx with a one-line message and
 * nothing else changes. The model is replaced only by a complete run whose files
 * match its manifest's hashes, in one assignment: a request sees the old model or
 * the new one, never a half-written one.
 */
export async function startPredictionService(
  options: ServeOptions,
  context: CommandContext,
): Promise<PredictionService> {
  const { logger } = context;
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const drainMs = (options.drainSeconds ?? 5) * 1000;
  const location = parseLocation(options.model);
  const runs = new RunStore(storeAt(location, context.storage));
  let model: ServedModel = await loadModel(options.model, context.storage);
  // A run directory is one run for good; an output location is followed as its `latest` moves.
  const follows = (await runs.store.get('manifest.json')) === undefined;
  let draining = false;

  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: 'trainer_serve_requests_total',
    help: 'HTTP requests answered, by route and status code',
    labelNames: ['route', 'status'],
    registers,
  });
  const predictions = new Counter({
    name: 'trainer_serve_predictions_total',
    help: 'Rows predicted',
    registers,
  });
  const latency = new Histogram({
    name: 'trainer_serve_request_duration_seconds',
    help: 'Time from a request to its answer, by route',
    labelNames: ['route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers,
  });
  const modelInfo = new Gauge({
    name: 'trainer_serve_model_info',
    help: 'The model being served: 1, with its run id as a label',
    labelNames: ['run_id'],
    registers,
  });
  const reloads = new Counter({
    name: 'trainer_serve_model_reloads_total',
    help: 'Switches to a new run (result="loaded") and failed attempts (result="failed")',
    labelNames: ['result'],
    registers,
  });
  modelInfo.set({ run_id: model.run.manifest.runId }, 1);
  // Label-bound children, looked up once per route and status: labelling on every request costs a hash each time.
  const counters = new Map<string, ReturnType<typeof requests.labels>>();
  const counterOf = (route: string, status: number) => {
    const key = `${route} ${status}`;
    let counter = counters.get(key);
    if (!counter) {
      counter = requests.labels({ route, status: String(status) });
      counters.set(key, counter);
    }
    return counter;
  };
  const latencies = new Map<string, ReturnType<typeof latency.labels>>();
  const latencyOf = (route: string) => {
    let histogram = latencies.get(route);
    if (!histogram) {
      histogram = latency.labels({ route });
      latencies.set(route, histogram);
    }
    return histogram;
  };

  const server: Server = createServer((request, response) => {
    const started = performance.now();
    const route = routeOf(request.url);
    if (draining) response.setHeader('connection', 'close');
    handle(request, response, route)
      .catch((error: unknown) => {
        const status = error instanceof RequestError ? error.status : 500;
        if (status === 500) logger.error('request failed', { route, error: (error as Error).message });
        send(response, status, { error: status === 500 ? 'internal error' : (error as Error).message });
      })
      .finally(() => {
        counterOf(route, response.statusCode).inc();
        latencyOf(route).observe((performance.now() - started) / 1000);
      });
  });
  // Slow or stuck clients must not hold a connection forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  async function handle(request: IncomingMessage, response: ServerResponse, route: string): Promise<void> {
    if (route === '/health') return send(response, 200, { status: 'ok' });
    if (route === '/ready') {
      return draining
        ? send(response, 503, { status: 'draining' })
        : send(response, 200, { status: 'ready', runId: model.run.manifest.runId });
    }
    if (route === '/metrics') {
      const text = await registry.metrics();
      response.writeHead(200, { 'content-type': registry.contentType }).end(text);
      return;
    }
    if (route !== '/predict') throw new RequestError(404, 'not found: POST /predict, GET /health, /ready, /metrics');
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      throw new RequestError(405, 'use POST for /predict');
    }
    const body = await readBody(request, maxBodyBytes);
    const current = model; // one model for the whole request, even if a reload happens meanwhile
    const rows = await parseRows(request.headers['content-type'] ?? '', body, current);
    const result = predictRows(current, rows);
    predictions.inc(result.length);
    send(response, 200, { runId: current.run.manifest.runId, predictions: result });
  }

  async function checkForNewModel(): Promise<boolean> {
    if (!follows) return false;
    try {
      const latest = await runs.latestRunId();
      if (latest === undefined || latest === model.run.manifest.runId) return false;
      const next = await loadModel(options.model, context.storage);
      if (next.run.manifest.runId === model.run.manifest.runId) return false;
      if (next.file.featureColumns.join(',') !== model.file.featureColumns.join(',')) {
        logger.warn('new model has other feature columns', {
          runId: next.run.manifest.runId,
          featureColumns: next.file.featureColumns,
        });
      }
      const previous = model.run.manifest.runId;
      model = next;
      modelInfo.reset();
      modelInfo.set({ run_id: next.run.manifest.runId }, 1);
      reloads.inc({ result: 'loaded' });
      logger.info('model loaded', { runId: next.run.manifest.runId, previous });
      return true;
    } catch (error) {
      // A broken or half-copied run: keep answering with the model we have.
      reloads.inc({ result: 'failed' });
      logger.warn('new model not loaded; serving the previous one', { error: (error as Error).message });
      return false;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let polling: Promise<unknown> = Promise.resolve();
  const timer =
    follows && (options.reloadIntervalSeconds ?? 10) > 0
      ? setInterval(
          () => {
            polling = polling.then(checkForNewModel);
          },
          (options.reloadIntervalSeconds ?? 10) * 1000,
        )
      : undefined;
  timer?.unref();
  logger.info('serving', {
    url: `http://${options.host ?? '0.0.0.0'}:${port}`,
    runId: model.run.manifest.runId,
    follows: follows ? `${runs.store.description}/latest` : false,
  });

  let stopped: Promise<void> | undefined;
  return {
    port,
    get runId() {
      return model.run.manifest.runId;
    },
    checkForNewModel: () => {
      polling = polling.then(checkForNewModel);
      return polling as Promise<boolean>;
    },
    shutdown() {
      stopped ??= (async () => {
        draining = true;
        if (timer) clearInterval(timer);
        logger.info('draining', { seconds: drainMs / 1000 });
        if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        await polling.catch(() => undefined);
        logger.info('stopped');
      })();
      return stopped;
    },
  };
}

function routeOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] as string;
  return ['/predict', '/health', '/ready', '/metrics'].includes(path) ? path : 'other';
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * The body, or a 413 as soon as it passes the limit: the rest is read and
 * dropped, so that the client, still sending, gets the answer instead of a reset.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

function tooLarge(limit: number): RequestError {
  return new RequestError(413, `request body over ${limit} bytes: send fewer rows per request`);
}

/** Features of each row in the model's column order (raw, not yet standardized). */
async function parseRows(contentType: string, body: Buffer, model: ServedModel): Promise<Float64Array[]> {
  const columns = model.file.featureColumns;
  if (contentType.startsWith('text/csv')) {
    const table = await readCsv(Readable.from([body]), {
      sourceName: 'request body',
      withLabels: false,
      featureColumns: columns,
    }).catch((error: unknown) => {
      throw new RequestError(400, error instanceof TrainerError ? error.message : String(error));
    });
    return Array.from({ length: table.rowCount }, (_, row) =>
      table.features.slice(row * columns.length, (row + 1) * columns.length),
    );
  }
  if (!contentType.startsWith('application/json')) {
    throw new RequestError(415, 'send application/json ({"rows": [...]}) or text/csv with a header row');
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new RequestError(400, `malformed JSON: ${(error as Error).message}`);
  }
  const rows = (json as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new RequestError(400, 'expected {"rows": [...]} with at least one row (objects by column, or arrays)');
  }
  return rows.map((row, index) => rowValues(row, index, columns));
}

function rowValues(row: unknown, index: number, columns: readonly string[]): Float64Array {
  const values = new Float64Array(columns.length);
  if (Array.isArray(row)) {
    if (row.length !== columns.length) {
      throw new RequestError(
        400,
        `rows[${index}]: expected ${columns.length} values (${columns.join(', ')}), received ${row.length}`,
      );
    }
    row.forEach((value, j) => {
      values[j] = finite(value, `rows[${index}][${j}] (${columns[j]})`);
    });
    return values;
  }
  if (typeof row !== 'object' || row === null) {
    throw new RequestError(400, `rows[${index}]: expected an object of feature columns or an array of numbers`);
  }
  const record = row as Record<string, unknown>;
  columns.forEach((column, j) => {
    if (!Object.hasOwn(record, column)) throw new RequestError(400, `rows[${index}]: missing column "${column}"`);
    values[j] = finite(record[column], `rows[${index}].${column}`);
  });
  const extra = Object.keys(record).find((key) => !columns.includes(key));
  if (extra !== undefined) {
    throw new RequestError(
      400,
      `rows[${index}]: unknown column "${extra.slice(0, 40)}"; the model's columns: ${columns.join(', ')}`,
    );
  }
  return values;
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RequestError(
      400,
      `${where}: expected a finite number, received ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value;
}

/** Standardizes each row as training did and predicts it; a row whose numbers overflow the model is a 400. */
function predictRows(
  model: ServedModel,
  rows: Float64Array[],
): { prediction: string; probabilities: Record<string, number> }[] {
  const { mean, scale } = model.file.standardization;
  const { classes } = model.file;
  const probabilities = new Float64Array(classes.length);
  return rows.map((row, index) => {
    for (let j = 0; j < row.length; j++) row[j] = ((row[j] as number) - (mean[j] as number)) / (scale[j] as number);
    model.network.predictRow(model.params, row, 0, probabilities);
    if (!probabilities.every(Number.isFinite)) {
      throw new RequestError(400, `rows[${index}]: values too large for the model (its class scores overflow)`);
    }
    return {
      prediction: classes[argmax(probabilities)] as string,
      probabilities: Object.fromEntries(classes.map((name, k) => [name, probabilities[k] as number])),
    };
  });
}
