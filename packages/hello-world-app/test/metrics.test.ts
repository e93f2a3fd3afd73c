import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_SECONDS } from '../src/metrics';
import { startTestApp, type TestApp } from './support/app';
import { call, rawExchange } from './support/http';
import { type Family, parsePrometheusText, samplesOf } from './support/prometheus-text';

describe('GET /metrics', () => {
  let app: TestApp;
  let text: string;
  let contentType: string | undefined;
  let families: Map<string, Family>;

  beforeAll(async () => {
    app = await startTestApp();
    // Known traffic: 3 greetings, 1 HEAD, 2 health checks, 1 not found, 1 wrong method, 1 malformed request.
    for (let i = 0; i < 3; i++) await call(app.port);
    await call(app.port, { method: 'HEAD' });
    await call(app.port, { path: '/health' });
    await call(app.port, { path: '/health' });
    await call(app.port, { path: '/does-not-exist' });
    await call(app.port, { method: 'DELETE', path: '/' });
    await rawExchange(app.port, 'NONSENSE\r\n\r\n');
    const answer = await call(app.port, { path: '/metrics' });
    expect(answer.status).toBe(200);
    text = answer.body;
    contentType = answer.headers['content-type'];
    families = parsePrometheusText(text);
  });
  afterAll(async () => {
    await app.stop();
  });

  /** The value of the one sample of `name` with these labels. */
  const sampleValue = (family: string, name: string, labels: Record<string, string> = {}) => {
    const samples = samplesOf(families.get(family), name, labels);
    expect(samples, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
    return samples[0]?.value;
  };

  it('answers in the Prometheus text format', () => {
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it("passes promtool's checks (Prometheus's own parser and linter) for the request metrics", () => {
    // Only the families this package defines: prom-client names a few of its process gauges `*_total`, which the linter flags.
    const ours = text
      .split('\n\n')
      .filter((block) => /^# TYPE http_/m.test(block))
      .join('\n\n');
    expect(ours).toContain('# TYPE http_request_duration_seconds histogram');
    const result = spawnSync('promtool', ['check', 'metrics'], { input: `${ours}\n`, encoding: 'utf8' });
    expect(result.error, 'promtool comes with Debian package prometheus, which .ci/run installs').toBeUndefined();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('counts requests by method, route and status', () => {
    expect(families.get('http_requests_total')?.type).toBe('counter');
    const count = (labels: Record<string, string>) => sampleValue('http_requests_total', 'http_requests_total', labels);
    expect(count({ method: 'GET', route: '/', status: '200' })).toBe(3);
    expect(count({ method: 'HEAD', route: '/', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/health', status: '200' })).toBe(2);
    expect(count({ method: 'DELETE', route: '/', status: '405' })).toBe(1);
    expect(count({ method: 'other', route: 'unmatched', status: '400' })).toBe(1);
  });

  it('labels unknown paths as one "unmatched" route, so paths cannot grow the series', () => {
    const routes = new Set(families.get('http_requests_total')?.samples.map((s) => s.labels.route));
    expect([...routes].sort()).toEqual(['/', '/health', 'unmatched']);
    expect(sampleValue('http_requests_total', 'http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
  });

  it('has a latency histogram with cumulative buckets per route and status', () => {
    const family = families.get('http_request_duration_seconds');
    expect(family?.type).toBe('histogram');
    const greetings = { method: 'GET', route: '/', status: '200' };
    const buckets = samplesOf(family, 'http_request_duration_seconds_bucket', greetings);
    expect(buckets.map((b) => b.labels.le)).toEqual([...LATENCY_BUCKETS_SECONDS.map(String), '+Inf']);
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(3);
    expect(sampleValue('http_request_duration_seconds', 'http_request_duration_seconds_count', greetings)).toBe(3);
    expect(
      sampleValue('http_request_duration_seconds', 'http_request_duration_seconds_sum', greetings),
    ).toBeGreaterThan(0);
  });

  it('does not time requests the parser rejected (they never reached the server)', () => {
    const family = families.get('http_request_duration_seconds');
    expect(samplesOf(family, 'http_request_duration_seconds_count', { status: '400' })).toEqual([]);
  });

  it('reports the requests in flight, this scrape included', () => {
    expect(sampleValue('http_requests_in_flight', 'http_requests_in_flight')).toBe(1);
  });

  it('includes the process metrics', () => {
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(families.has(name), name).toBe(true);
    }
  });
});
