/**
 * The metrics the dashboards and alert rules read besides Nomad's own (those are in
 * `nomad-telemetry.ts`), by the program that exports them. The end-to-end test scrapes a running
 * hello-world-app, a Pushgateway the trainer pushed to, and Prometheus itself, and checks that each
 * of these names is really there.
 */
export const EXPORTED_METRICS = {
  /**
   * `@org/hello-world-app`'s `/metrics` (its `HttpMetrics`, with prom-client's process metrics).
   * Scraped as the Prometheus job named after the service (`hello-world`).
   */
  helloWorld: [
    'http_requests_total',
    'http_request_duration_seconds_bucket',
    'http_request_duration_seconds_sum',
    'http_request_duration_seconds_count',
    'http_requests_in_flight',
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_p99_seconds',
  ],
  /**
   * `@org/trainer`'s `TrainingMetrics`: pushed to the Pushgateway when a run completes (job
   * `trainer`, grouped by `run_id`), and served on `/metrics` while it runs.
   */
  trainer: [
    'trainer_run_info',
    'trainer_epochs',
    'trainer_epochs_completed',
    'trainer_loss',
    'trainer_accuracy',
    'trainer_test_accuracy',
    'trainer_rows_per_second',
    'trainer_rows_trained_total',
    'trainer_last_checkpoint_timestamp_seconds',
  ],
  /** The Pushgateway's own series for each push group. */
  pushgateway: ['push_time_seconds'],
  /** Series Prometheus writes for every scrape target. */
  prometheus: ['up'],
} as const;

/** Who exports a metric the queries read. */
export type MetricExporter = keyof typeof EXPORTED_METRICS | 'nomad';
