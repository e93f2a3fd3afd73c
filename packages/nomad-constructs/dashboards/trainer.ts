import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { graph, newDashboard, single } from './panels';

/**
 * Trainer progress: epochs, loss and accuracy of each run, from the metrics the trainer pushes to the
 * Pushgateway when a run completes (job `trainer`, one group per `run_id`) and serves on /metrics
 * while it runs.
 */
export function trainerDashboard(): dashboard.Dashboard {
  return newDashboard(
    'trainer',
    'Trainer runs',
    "Progress and quality of training runs, from the trainer's metrics (Pushgateway and live /metrics).",
  )
    .withPanel(
      single({
        title: 'Runs reported',
        description: 'Training runs with metrics (trainer_run_info, one series per run).',
        unit: 'none',
        width: 12,
        queries: [{ expr: 'count(max by (run_id) (trainer_run_info))', legend: 'runs' }],
      }),
    )
    .withPanel(
      single({
        title: 'Last push',
        description: 'When a run last pushed its metrics to the Pushgateway (push_time_seconds of job trainer).',
        unit: 'dateTimeFromNow',
        width: 12,
        queries: [{ expr: 'max(push_time_seconds{job="trainer"}) * 1000', legend: 'last push' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Progress by run',
        description: 'Epochs completed of the epochs planned (trainer_epochs_completed / trainer_epochs).',
        unit: 'percentunit',
        queries: [
          {
            expr: 'max by (run_id) (trainer_epochs_completed) / max by (run_id) (trainer_epochs)',
            legend: '{{run_id}}',
          },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Epochs completed by run',
        description: 'Epochs each run has completed (trainer_epochs_completed).',
        unit: 'none',
        queries: [{ expr: 'max by (run_id) (trainer_epochs_completed)', legend: '{{run_id}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Training loss by run',
        description: 'Mean training cross-entropy of the current epoch (trainer_loss).',
        unit: 'none',
        queries: [{ expr: 'max by (run_id) (trainer_loss)', legend: '{{run_id}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Accuracy by run',
        description:
          'Training accuracy of the current epoch, and test accuracy after the last epoch (trainer_accuracy, trainer_test_accuracy).',
        unit: 'percentunit',
        queries: [
          { expr: 'max by (run_id) (trainer_accuracy)', legend: '{{run_id}} train' },
          { expr: 'max by (run_id) (trainer_test_accuracy)', legend: '{{run_id}} test' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Throughput by run',
        description: 'Rows trained per second in the current epoch (trainer_rows_per_second).',
        unit: 'none',
        queries: [{ expr: 'max by (run_id) (trainer_rows_per_second)', legend: '{{run_id}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Rows trained by run',
        description: 'Rows trained on, all epochs (trainer_rows_trained_total).',
        unit: 'short',
        queries: [{ expr: 'max by (run_id) (trainer_rows_trained_total)', legend: '{{run_id}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Last checkpoint by run',
        description:
          'When each run last wrote a checkpoint (trainer_last_checkpoint_timestamp_seconds; runs without one are not shown).',
        unit: 'dateTimeAsIso',
        width: 24,
        queries: [
          { expr: 'max by (run_id) (trainer_last_checkpoint_timestamp_seconds > 0) * 1000', legend: '{{run_id}}' },
        ],
      }),
    )
    .build();
}
