import { describe, expect, it } from 'vitest';
import { EXPORTED_METRICS } from '../../src/observability/exported-metrics';
import { CLIENT_METRICS, SERVER_METRICS } from '../../src/observability/nomad-metrics';
import {
  documentedPrometheusNames,
  NOMAD_DOCUMENTED_METRICS,
  prometheusName,
} from '../../src/observability/nomad-telemetry';
import { metricNames, shippedQueries, syntaxErrors } from './promql';

const nomadNames = documentedPrometheusNames();
const exportedNames = new Set<string>(Object.values(EXPORTED_METRICS).flat());
const queries = shippedQueries();

describe('the PromQL of the shipped dashboards and alert rules', () => {
  it('has queries to check (every dashboard panel and every rule)', () => {
    expect(queries.length).toBeGreaterThan(60);
  });

  it("parses with Prometheus's own PromQL grammar", () => {
    const broken = queries.filter((query) => syntaxErrors(query.expr).length > 0);
    expect(broken).toEqual([]);
  });

  it("reads only Nomad's documented metrics and the metrics the workloads, the Pushgateway and Prometheus export", () => {
    const unknown = queries.flatMap((query) =>
      metricNames(query.expr)
        .filter((name) => !nomadNames.has(name) && !exportedNames.has(name))
        .map((name) => `${query.where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('uses every exported metric it lists (no stale entry in EXPORTED_METRICS)', () => {
    const used = new Set(queries.flatMap((query) => metricNames(query.expr)));
    const unused = [...exportedNames].filter((name) => !used.has(name));
    expect(unused).toEqual([]);
  });

  it('finds the metric names of an expression, not its functions, labels or keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{job=~"$service"}[5m]))) / on() absent(nomad_nomad_broker_total_ready) or vector(0)',
      ),
    ).toEqual(['http_request_duration_seconds_bucket', 'nomad_nomad_broker_total_ready']);
    expect(syntaxErrors('sum(rate(x[5m])')).not.toEqual([]);
  });
});

describe("Nomad's documented telemetry", () => {
  it('lists each metric once', () => {
    const names = NOMAD_DOCUMENTED_METRICS.map((metric) => metric.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names metrics as the Prometheus sink does (dots to underscores, case kept)', () => {
    expect(prometheusName('nomad.raft.leader.lastContact')).toBe('nomad_raft_leader_lastContact');
    expect(nomadNames.has('nomad_raft_leader_lastContact_count')).toBe(true);
    expect(nomadNames.has('nomad_client_allocs_memory_usage_sum')).toBe(false);
  });

  it('covers every Nomad metric the CloudWatch agent selects for the metricX() methods', () => {
    const selected = [...Object.values(SERVER_METRICS), ...Object.values(CLIENT_METRICS)];
    expect(selected.filter((name) => !nomadNames.has(name))).toEqual([]);
  });
});
