import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { graph, labelVariable, newDashboard, row, single } from './panels';

const service = 'job=~"$service"';
const rate = (metric: string, extra = '') => `rate(${metric}{${service}${extra}}[5m])`;
const latency = (quantile: number) =>
  `histogram_quantile(${quantile}, sum by (le) (${rate('http_request_duration_seconds_bucket')}))`;

/** hello-world's RED metrics: rate, errors and duration, from its /metrics (HttpMetrics). */
export function helloWorldDashboard(): dashboard.Dashboard {
  return newDashboard(
    'hello-world',
    'hello-world',
    "Rate, errors and duration of the hello-world service, and its process, from the service's own /metrics.",
  )
    .withVariable(
      labelVariable(
        'service',
        'job',
        'http_requests_total',
        'The services to show: the Prometheus job, named after the Nomad service.',
      ),
    )
    .withRow(row('Rate, errors, duration'))
    .withPanel(
      single({
        title: 'Instances up',
        description: 'Instances whose /metrics answers (Prometheus `up`).',
        unit: 'none',
        width: 8,
        queries: [{ expr: `sum(up{${service}})`, legend: 'instances' }],
      }),
    )
    .withPanel(
      single({
        title: 'Requests in flight',
        description: 'Requests being answered now, over every instance (http_requests_in_flight).',
        unit: 'none',
        width: 8,
        queries: [{ expr: `sum(http_requests_in_flight{${service}})`, legend: 'in flight' }],
      }),
    )
    .withPanel(
      single({
        title: 'Error ratio',
        description: 'Share of requests answered with 5xx over 5 minutes (http_requests_total by status).',
        unit: 'percentunit',
        width: 8,
        queries: [
          {
            expr: `(sum(${rate('http_requests_total', ',status=~"5.."')}) or vector(0)) / sum(${rate('http_requests_total')})`,
            legend: '5xx',
          },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Requests per second by route',
        description: 'Requests answered per second, by route of the route table (http_requests_total).',
        unit: 'reqps',
        queries: [{ expr: `sum by (route) (${rate('http_requests_total')})`, legend: '{{route}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Requests per second by status',
        description: 'Requests answered per second, by HTTP status code (http_requests_total).',
        unit: 'reqps',
        queries: [{ expr: `sum by (status) (${rate('http_requests_total')})`, legend: '{{status}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Latency',
        description:
          'Time to answer, 50th, 90th and 99th percentiles over every route (http_request_duration_seconds).',
        unit: 's',
        queries: [
          { expr: latency(0.5), legend: 'p50' },
          { expr: latency(0.9), legend: 'p90' },
          { expr: latency(0.99), legend: 'p99' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Mean latency by route',
        description: 'Mean time to answer, by route (http_request_duration_seconds_sum / _count).',
        unit: 's',
        queries: [
          {
            expr: `sum by (route) (${rate('http_request_duration_seconds_sum')}) / sum by (route) (${rate('http_request_duration_seconds_count')})`,
            legend: '{{route}}',
          },
        ],
      }),
    )
    .withRow(row('Process'))
    .withPanel(
      graph({
        title: 'CPU by instance',
        description: 'CPU seconds used per second by each instance (process_cpu_seconds_total).',
        unit: 'percentunit',
        width: 8,
        queries: [{ expr: rate('process_cpu_seconds_total'), legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Resident memory by instance',
        description: 'Resident memory of each instance (process_resident_memory_bytes).',
        unit: 'bytes',
        width: 8,
        queries: [{ expr: `process_resident_memory_bytes{${service}}`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Event-loop lag (p99)',
        description: "99th percentile of each instance's event-loop lag (nodejs_eventloop_lag_p99_seconds).",
        unit: 's',
        width: 8,
        queries: [{ expr: `nodejs_eventloop_lag_p99_seconds{${service}}`, legend: '{{instance}}' }],
      }),
    )
    .build();
}
