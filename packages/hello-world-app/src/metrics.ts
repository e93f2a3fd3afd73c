import type * as PromClient from 'prom-client';
import type { PrometheusContentType, Registry } from 'prom-client';

/** Label values of the per-request metrics. All bounded: a known method, a route of the route table, a status code. */
type RequestLabels = Readonly<Record<'method' | 'route' | 'status', string>>;

/** Methods kept as label values; anything else is counted as `other`, so clients cannot grow the series. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Latency buckets in seconds. The service answers in well under a millisecond
 * on its own, so the low buckets are fine-grained; the top ones catch stalls
 * (garbage collection, a saturated CPU quota).
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** A metric sample in the JSON form prom-client reads (`Registry.getMetricsAsJSON()`, `AggregatorRegistry.aggregate()`). */
interface Sample {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** The requests of one combination of label values: made on its first request, then only counted into. */
class RequestSeries {
  /** Every request, including those rejected before they could be timed. */
  requests = 0;
  /** Timed requests per latency bucket; the last slot holds those above the largest bound. */
  readonly bucketCounts = new Float64Array(LATENCY_BUCKETS_SECONDS.length + 1);
  timed = 0;
  sumSeconds = 0;

  constructor(readonly labels: RequestLabels) {}

  observe(seconds: number): void {
    this.requests++;
    this.timed++;
    this.sumSeconds += seconds;
    let bucket = 0;
    for (const bound of LATENCY_BUCKETS_SECONDS) {
      if (seconds <= bound) break;
      bucket++;
    }
    this.bucketCounts[bucket] = (this.bucketCounts[bucket] ?? 0) + 1;
  }

  /** The `_bucket` (cumulative, as Prometheus defines them), `_sum` and `_count` samples of the histogram. */
  histogramSamples(name: string): Sample[] {
    let cumulative = 0;
    const buckets = LATENCY_BUCKETS_SECONDS.map((bound, i) => {
      cumulative += this.bucketCounts[i] ?? 0;
      return { metricName: `${name}_bucket`, labels: { ...this.labels, le: bound }, value: cumulative };
    });
    return [
      ...buckets,
      { metricName: `${name}_bucket`, labels: { ...this.labels, le: '+Inf' }, value: this.timed },
      { metricName: `${name}_sum`, labels: this.labels, value: this.sumSeconds },
      { metricName: `${name}_count`, labels: this.labels, value: this.timed },
    ];
  }
}

/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's
 * global one) so that several servers in one process, as in tests, stay apart.
 *
 * - `http_requests_total{method,route,status}`: requests answered, including
 *   those rejected before routing (`route="unmatched"`: 404, 413, 431, 400, 408).
 * - `http_request_duration_seconds{method,route,status}`: histogram of the time
 *   from the request to its answer handed to the socket.
 * - `http_requests_in_flight`: requests being answered now (it falls to 0 as a drain completes).
 * - prom-client's process metrics: CPU, resident memory, heap, event-loop lag, GC, open handles.
 *
 * Requests are counted into plain numbers and typed arrays, and handed to
 * prom-client as samples when Prometheus scrapes (prom-client formats them): prom-client's own `observe()`
 * and `inc()` build and hash a label key on every call, which cost more than a
 * tenth of what answering a request does (see the benchmark in the README).
 */
export class HttpMetrics {
  private readonly series = new Map<string, RequestSeries>();
  private inFlight = 0;
  private registry?: Promise<Registry<PrometheusContentType>>;

  /**
   * Loads prom-client and starts the process metrics (GC, event-loop lag and
   * the rest are observed from then on). The server calls it once it is ready:
   * loading prom-client takes a tenth of the start-up time, and nothing needs
   * it before the first scrape. Idempotent.
   */
  startProcessMetrics(): Promise<Registry<PrometheusContentType>> {
    this.registry ??= Promise.resolve(loadPromClient()).then(({ collectDefaultMetrics, Gauge, Registry }) => {
      const registry = new Registry();
      const inFlight: InstanceType<typeof Gauge> = new Gauge({
        name: 'http_requests_in_flight',
        help: 'HTTP requests being answered',
        registers: [registry],
        collect: () => inFlight.set(this.inFlight),
      });
      collectDefaultMetrics({ register: registry });
      return registry;
    });
    return this.registry;
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestFinished(method: string, route: string, status: number, durationSeconds: number): void {
    this.inFlight--;
    this.seriesOf(method, route, status).observe(durationSeconds);
  }

  /** A request the HTTP parser rejected before there was a request to route (bad syntax, headers too large, timeout). */
  requestRejected(status: number): void {
    this.seriesOf('other', 'unmatched', status).requests++;
  }

  /** The exposition text for `GET /metrics`, and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    const registry = await this.startProcessMetrics();
    const { AggregatorRegistry, Registry } = loadPromClient();
    const series = [...this.series.values()];
    const requestMetrics = AggregatorRegistry.aggregate<PrometheusContentType>([
      [
        {
          name: 'http_requests_total',
          help: 'HTTP requests answered, by method, route and status code',
          type: 'counter',
          aggregator: 'sum',
          values: series.map((s) => ({ metricName: 'http_requests_total', labels: s.labels, value: s.requests })),
        },
        {
          name: 'http_request_duration_seconds',
          help: 'Time to answer an HTTP request, by method, route and status code',
          type: 'histogram',
          aggregator: 'sum',
          values: series.filter((s) => s.timed > 0).flatMap((s) => s.histogramSamples('http_request_duration_seconds')),
        },
      ],
    ]);
    return { contentType: registry.contentType, text: await Registry.merge([requestMetrics, registry]).metrics() };
  }

  private seriesOf(method: string, route: string, status: number): RequestSeries {
    const key = `${method} ${route} ${status}`;
    let series = this.series.get(key);
    if (series === undefined) {
      const methodLabel = KNOWN_METHODS.has(method) ? method : 'other';
      series = new RequestSeries({ method: methodLabel, route, status: String(status) });
      this.series.set(key, series);
    }
    return series;
  }
}

/**
 * prom-client, loaded on first use. A plain require: a dynamic import() would
 * start node's ESM loader for it, which costs several megabytes of memory.
 */
function loadPromClient(): typeof PromClient {
  return require('prom-client') as typeof PromClient;
}
