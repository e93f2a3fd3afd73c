import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { graph, newDashboard, row, single } from './panels';

/** Jobs and allocations: job states, allocations by job and by pool, failures, restarts and OOM kills. */
export function jobsAndAllocationsDashboard(): dashboard.Dashboard {
  return newDashboard(
    'nomad-jobs-allocations',
    'Nomad jobs and allocations',
    "Job states and allocations from the leader's job summaries, and allocations on the clients.",
  )
    .withRow(row('Jobs'))
    .withPanel(
      single({
        title: 'Running jobs',
        description: 'Jobs in the running state (nomad.nomad.job_status.running).',
        unit: 'none',
        width: 8,
        queries: [{ expr: 'max(nomad_nomad_job_status_running)', legend: 'running' }],
      }),
    )
    .withPanel(
      single({
        title: 'Pending jobs',
        description: 'Jobs waiting to be placed (nomad.nomad.job_status.pending).',
        unit: 'none',
        width: 8,
        queries: [{ expr: 'max(nomad_nomad_job_status_pending)', legend: 'pending' }],
      }),
    )
    .withPanel(
      single({
        title: 'Dead jobs',
        description: 'Jobs stopped or finished, until garbage collection (nomad.nomad.job_status.dead).',
        unit: 'none',
        width: 8,
        queries: [{ expr: 'max(nomad_nomad_job_status_dead)', legend: 'dead' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Running allocations by job',
        description: "Allocations running, by job (the leader's job summaries, nomad.nomad.job_summary.running).",
        unit: 'none',
        queries: [
          { expr: 'sum by (namespace, job) (nomad_nomad_job_summary_running)', legend: '{{namespace}}/{{job}}' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Queued allocations by job',
        description: 'Allocations the scheduler could not place yet, by job (nomad.nomad.job_summary.queued).',
        unit: 'none',
        queries: [
          { expr: 'sum by (namespace, job) (nomad_nomad_job_summary_queued)', legend: '{{namespace}}/{{job}}' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Failed allocations (15 min)',
        description:
          'Allocations that failed in the last 15 minutes, by job (change of nomad.nomad.job_summary.failed).',
        unit: 'none',
        queries: [
          {
            expr: 'sum by (namespace, job) (delta(nomad_nomad_job_summary_failed[15m]))',
            legend: '{{namespace}}/{{job}}',
          },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Lost allocations by job',
        description: 'Allocations on nodes that went down, by job (nomad.nomad.job_summary.lost).',
        unit: 'none',
        queries: [{ expr: 'sum by (namespace, job) (nomad_nomad_job_summary_lost)', legend: '{{namespace}}/{{job}}' }],
      }),
    )
    .withRow(row('Clients'))
    .withPanel(
      graph({
        title: 'Allocations on clients by node pool',
        description:
          'Allocations running, starting and waiting on the clients, by pool (nomad.client.allocations.running, .pending, .blocked).',
        unit: 'none',
        queries: [
          { expr: 'sum by (node_pool) (nomad_client_allocations_running)', legend: '{{node_pool}} running' },
          { expr: 'sum by (node_pool) (nomad_client_allocations_pending)', legend: '{{node_pool}} pending' },
          { expr: 'sum by (node_pool) (nomad_client_allocations_blocked)', legend: '{{node_pool}} blocked' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Task restarts (1 h)',
        description: 'Task restarts in the last hour, by job and task (nomad.client.allocs.restart).',
        unit: 'none',
        queries: [
          {
            expr: 'sum by (namespace, job, task) (increase(nomad_client_allocs_restart[1h]))',
            legend: '{{job}}/{{task}}',
          },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'OOM-killed tasks (1 h)',
        description: 'Tasks killed for exceeding their memory in the last hour (nomad.client.allocs.oom_killed).',
        unit: 'none',
        queries: [
          {
            expr: 'sum by (namespace, job, task) (increase(nomad_client_allocs_oom_killed[1h]))',
            legend: '{{job}}/{{task}}',
          },
        ],
      }),
    )
    .build();
}
