import { NomadError } from '../../errors';

/**
 * Prometheus alerting rules for a Nomad cluster and the sample workloads, each with what to do when
 * it fires. Rendered to a rule file (JSON, which Prometheus reads as YAML) that `promtool check
 * rules` accepts; `promtool test rules` proves each one fires when it should and stays quiet when
 * it should not (see the package tests).
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */

/** One alerting rule, and the quantity it compares with its threshold. */
export interface PrometheusAlertRule {
  /** The alert name. */
  readonly alert: string;
  /** The full alert expression (the `measure` compared with the threshold). */
  readonly expr: string;
  /**
   * The expression without its threshold: what a dashboard would plot. Empty when the alert is a
   * presence check with nothing to plot (`absent(...)`).
   */
  readonly measure: string;
  /** How long the condition must hold, a Prometheus duration (`5m`). */
  readonly for: string;
  readonly severity: 'critical' | 'warning';
  /** One line for the notification (may use `{{ $labels.x }}` and `{{ $value }}`). */
  readonly summary: string;
  /** What to do when it fires. */
  readonly runbook: string;
}

/** A rule group: rules evaluated together at the group's interval. */
export interface PrometheusRuleGroup {
  readonly name: string;
  readonly rules: readonly PrometheusAlertRule[];
}

/** Options of {@link prometheusAlertRules}. */
export interface PrometheusAlertRulesOptions {
  /**
   * How many servers the cluster runs (`NomadServersMissing` fires below it).
   *
   * @default 3
   */
  readonly serverCount?: number;
  /**
   * The Prometheus job name of the hello-world service (the Nomad service name it is scraped as).
   *
   * @default 'hello-world'
   */
  readonly helloWorldJob?: string;
  /**
   * The share of hello-world's requests answered with 5xx above which `HelloWorldErrorRate` fires.
   *
   * @default 0.05
   */
  readonly helloWorldErrorRatio?: number;
  /**
   * The trainer's parameterized job ID: its dispatched runs are `<id>/dispatch-...`.
   *
   * @default 'trainer'
   */
  readonly trainerJob?: string;
}

/** The Prometheus job names of the Nomad agents' scrape configurations. */
export const NOMAD_SERVERS_SCRAPE_JOB = 'nomad-servers';
export const NOMAD_CLIENTS_SCRAPE_JOB = 'nomad-clients';

/** A label value in a PromQL string literal. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** A regular expression that matches `value` literally (Prometheus uses RE2 syntax). */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The alerting rules, grouped: the cluster's own, then the sample workloads'. */
export function prometheusAlertRules(options: PrometheusAlertRulesOptions = {}): PrometheusRuleGroup[] {
  const serverCount = options.serverCount ?? 3;
  const helloWorld = options.helloWorldJob ?? 'hello-world';
  const errorRatio = options.helloWorldErrorRatio ?? 0.05;
  const trainer = options.trainerJob ?? 'trainer';
  if (!Number.isInteger(serverCount) || serverCount < 1) {
    throw new NomadError(
      'invalid-prop',
      'prometheusAlertRules.serverCount',
      `expected a whole number of servers (at least 1), received ${serverCount}.`,
    );
  }
  if (!(errorRatio > 0 && errorRatio < 1)) {
    throw new NomadError(
      'invalid-prop',
      'prometheusAlertRules.helloWorldErrorRatio',
      `expected a share between 0 and 1 (exclusive), e.g. 0.05 for 5 %, received ${errorRatio}.`,
    );
  }
  const servers = `up{job=${quote(NOMAD_SERVERS_SCRAPE_JOB)}}`;
  const dispatched = `job=~${quote(`${escapeRegex(trainer)}/dispatch-.+`)}`;
  const requests = (extra: string) => `sum(rate(http_requests_total{job=${quote(helloWorld)}${extra}}[5m]))`;
  const errorShare = `(${requests(',status=~"5.."')} or vector(0)) / ${requests('')}`;
  const serversUp = `count(${servers} == 1) or vector(0)`;
  const helloWorldUp = `count(up{job=${quote(helloWorld)}} == 1) or vector(0)`;
  const failedAllocations = (selector: string) =>
    `sum by (namespace, job) (delta(nomad_nomad_job_summary_failed{${selector}}[15m]))`;
  return [
    {
      name: 'nomad-cluster',
      rules: [
        {
          alert: 'NomadServerDown',
          measure: servers,
          expr: `${servers} == 0`,
          for: '5m',
          severity: 'critical',
          summary: 'Nomad server {{ $labels.instance }} does not answer its metrics endpoint',
          runbook:
            'Open a Session Manager shell on the instance (the address is in the alert) and run `systemctl status nomad` and `journalctl -u nomad`; if the instance is gone, the Auto Scaling group replaces it. With one server down, a 3-server cluster has no failure left to tolerate.',
        },
        {
          alert: 'NomadServersMissing',
          measure: serversUp,
          expr: `(${serversUp}) < ${serverCount}`,
          for: '10m',
          severity: 'critical',
          summary: `Only {{ $value }} of ${serverCount} Nomad servers are scraped`,
          runbook:
            "Check the servers' Auto Scaling group activity (a failed launch or a replacement that never joined) and `nomad server members`; the boot log of a replacement is in the instance's console output. Raft keeps quorum while a majority is up.",
        },
        {
          alert: 'NomadNoLeader',
          measure: '',
          expr: `absent(nomad_nomad_broker_total_ready) and on() (count(${servers} == 1) > 0)`,
          for: '2m',
          severity: 'critical',
          summary: 'The Nomad servers answer, but none reports the leader-only evaluation broker metrics',
          runbook:
            'Run `nomad operator raft list-peers` and `nomad server members`: without a leader no job can be scheduled. If a majority of servers is lost, restore quorum by replacing servers one at a time; `nomad operator raft` commands recover a cluster that lost quorum for good.',
        },
        {
          alert: 'NomadAllocationsFailing',
          measure: failedAllocations(`job!~${quote(`${escapeRegex(trainer)}/dispatch-.+`)}`),
          expr: `${failedAllocations(`job!~${quote(`${escapeRegex(trainer)}/dispatch-.+`)}`)} > 0`,
          for: '0m',
          severity: 'warning',
          summary: 'Allocations of job {{ $labels.job }} failed in the last 15 minutes',
          runbook:
            "Run `nomad job status {{ $labels.job }}` and `nomad alloc status <alloc>` for the failed allocations: the task events say why (image pull, OOM kill, failed health check). Nomad reschedules them by the job's reschedule policy.",
        },
        {
          alert: 'NomadEvaluationsBlocked',
          measure: 'max(nomad_nomad_blocked_evals_total_blocked)',
          expr: 'max(nomad_nomad_blocked_evals_total_blocked) > 0',
          for: '15m',
          severity: 'warning',
          summary: '{{ $value }} evaluations have waited for capacity for 15 minutes',
          runbook:
            "Run `nomad eval list -status blocked` and `nomad job status` of the blocked jobs: a node pool is full or missing, or a constraint matches no node. Scale the pool's Auto Scaling group or fix the job's constraints.",
        },
      ],
    },
    {
      name: 'workloads',
      rules: [
        {
          alert: 'HelloWorldErrorRate',
          measure: errorShare,
          expr: `(${errorShare}) > ${errorRatio}`,
          for: '5m',
          severity: 'critical',
          summary: `More than ${errorRatio * 100} % of hello-world's requests fail with 5xx ({{ $value | humanizePercentage }})`,
          runbook: `Look at the hello-world dashboard (errors by route and status) and the task logs (\`nomad alloc logs -job ${helloWorld}\`); if a deployment is in progress, \`nomad job history ${helloWorld}\` and \`nomad job revert\` roll it back.`,
        },
        {
          alert: 'HelloWorldNotScraped',
          measure: helloWorldUp,
          expr: `(${helloWorldUp}) < 1`,
          for: '5m',
          severity: 'critical',
          summary: 'No hello-world instance answers on /metrics',
          runbook: `Run \`nomad job status ${helloWorld}\`: the allocations' events say why none runs (no capacity, a failed deployment, an image that cannot be pulled). Check the service registrations with \`nomad service info ${helloWorld}\`.`,
        },
        {
          alert: 'TrainerRunFailed',
          measure: failedAllocations(dispatched),
          expr: `${failedAllocations(dispatched)} > 0`,
          for: '0m',
          severity: 'warning',
          summary: 'The training run {{ $labels.job }} had a failed allocation',
          runbook:
            'Run `nomad alloc logs` on the failed allocation of {{ $labels.job }}: the trainer logs one JSON line per event, with the error. Nomad reschedules the run up to its reschedule attempts, and `--resume` continues from the last checkpoint; dispatch it again once the cause (data, hyperparameters, memory) is fixed.',
        },
      ],
    },
  ];
}

/**
 * The rule file: `groups` with each rule's labels and annotations, as Prometheus reads it. JSON is
 * YAML, so no YAML library is needed; keys are in a fixed order, so the output is deterministic.
 */
export function renderPrometheusRuleFile(groups: readonly PrometheusRuleGroup[]): string {
  const file = {
    groups: groups.map((group) => ({
      name: group.name,
      rules: group.rules.map((rule) => ({
        alert: rule.alert,
        expr: rule.expr,
        for: rule.for,
        labels: { severity: rule.severity },
        annotations: { summary: rule.summary, runbook: rule.runbook },
      })),
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
