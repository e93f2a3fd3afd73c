import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { graph, labelVariable, newDashboard } from './panels';

const selector = 'job=~"$job"';

/** Per-job CPU and memory: what each job's tasks use, against what they reserved. */
export function jobResourcesDashboard(): dashboard.Dashboard {
  return newDashboard(
    'nomad-job-resources',
    'Nomad job resources',
    "CPU and memory of each job's tasks, from the clients' allocation metrics (publish_allocation_metrics).",
  )
    .withVariable(
      labelVariable(
        'job',
        'job',
        'nomad_client_allocs_memory_usage',
        'The jobs to show (allocation metrics label `job`).',
      ),
    )
    .withPanel(
      graph({
        title: 'CPU used by task',
        description:
          "CPU used by each job's tasks, percent of one core, summed over allocations (nomad.client.allocs.cpu.total_percent).",
        unit: 'percent',
        queries: [
          {
            expr: `sum by (job, task) (nomad_client_allocs_cpu_total_percent{${selector}})`,
            legend: '{{job}}/{{task}}',
          },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'CPU reserved by task',
        description:
          'CPU the tasks reserved, MHz (nomad.client.allocs.cpu.allocated): compare with the use to right-size `resources.cpu`.',
        unit: 'MHz',
        queries: [
          { expr: `sum by (job, task) (nomad_client_allocs_cpu_allocated{${selector}})`, legend: '{{job}}/{{task}}' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Memory used by task',
        description: "Memory used by each job's tasks, summed over allocations (nomad.client.allocs.memory.usage).",
        unit: 'bytes',
        queries: [
          { expr: `sum by (job, task) (nomad_client_allocs_memory_usage{${selector}})`, legend: '{{job}}/{{task}}' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Memory used of reserved',
        description:
          'Memory used as a share of memory reserved, by task (nomad.client.allocs.memory.usage / .allocated): near 100 % the task risks an OOM kill.',
        unit: 'percentunit',
        queries: [
          {
            expr: `sum by (job, task) (nomad_client_allocs_memory_usage{${selector}}) / sum by (job, task) (nomad_client_allocs_memory_allocated{${selector}})`,
            legend: '{{job}}/{{task}}',
          },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Resident memory by task',
        description: "Resident set size of each job's tasks (nomad.client.allocs.memory.rss).",
        unit: 'bytes',
        queries: [
          { expr: `sum by (job, task) (nomad_client_allocs_memory_rss{${selector}})`, legend: '{{job}}/{{task}}' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'CPU throttled time by task',
        description: 'Time the tasks were throttled by their CPU limit (nomad.client.allocs.cpu.throttled_time).',
        unit: 'ns',
        queries: [
          {
            expr: `sum by (job, task) (nomad_client_allocs_cpu_throttled_time{${selector}})`,
            legend: '{{job}}/{{task}}',
          },
        ],
      }),
    )
    .build();
}
