import { Annotations, Aws, Duration, Token } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { NomadClientPool } from '../cluster/nomad-client-pool';
import type { INomadCluster } from '../cluster/nomad-cluster-base';
import type { NomadServers } from '../cluster/nomad-servers';
import type { NomadUi } from '../cluster/nomad-ui';
import { NomadError } from '../errors';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import {
  CLIENT_METRICS,
  CLUSTER_DIMENSION,
  NODE_POOL_DIMENSION,
  NOMAD_NAMESPACE,
  SERVER_METRICS,
} from './nomad-metrics';

/** Options of the CloudWatch monitoring of a cluster (`NomadClusterProps.monitoring`). */
export interface NomadMonitoringOptions {
  /**
   * The SNS topic every alarm notifies (and notifies again when it is back to OK).
   *
   * @default - a new topic encrypted with the cluster key, TLS only
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * An e-mail address subscribed to the topic the monitoring creates (the address must confirm the
   * subscription). Only without `alarmTopic`.
   *
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Whether to create the CloudWatch dashboard (the alarms are created either way).
   *
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * The dashboard's name.
   *
   * @default - `Nomad-<clusterName>`
   */
  readonly dashboardName?: string;
  /**
   * How long evaluations may stay blocked (no capacity for them) before the alarm fires.
   *
   * @default Duration.minutes(15)
   */
  readonly blockedEvaluationsPeriod?: Duration;
  /**
   * 5xx answers of the UI load balancer (its own and the servers') in 5 minutes above which the alarm fires.
   *
   * @default 10
   */
  readonly loadBalancer5xxThreshold?: number;
  /**
   * How long an instance may be in service without its Nomad agent reporting before the boot-failure alarm fires
   * (GPU pools get 15 minutes more: they build the NVIDIA driver at boot).
   *
   * @default Duration.minutes(30)
   */
  readonly bootFailurePeriod?: Duration;
}

/** Props of {@link NomadMonitoring}. */
export interface NomadMonitoringProps extends NomadMonitoringOptions {
  /** The cluster to watch (a {@link NomadCluster}). Its client pools are added as they are created. */
  readonly cluster: MonitoredCluster;
}

/** What {@link NomadMonitoring} watches of a cluster: a {@link NomadCluster} has it all. */
export interface MonitoredCluster extends INomadCluster {
  readonly servers: NomadServers;
  /** @default - no UI, no load balancer alarms */
  readonly ui?: NomadUi;
  /** The cluster key: it encrypts the alarm topic. */
  readonly encryptionKey: kms.IKey;
  /** The client pools so far. */
  readonly pools: readonly NomadClientPool[];
}

/** An alarm of the monitoring and what to do when it fires. */
export interface NomadAlarm {
  readonly alarm: cloudwatch.Alarm;
  /** What the alarm means. */
  readonly summary: string;
  /** What to do when it fires. */
  readonly runbook: string;
}

/** Options of {@link NomadMonitoring.addAlarm}. */
export interface NomadAlarmOptions extends cloudwatch.CreateAlarmOptions {
  /** The metric (or math expression) the alarm watches. */
  readonly metric: cloudwatch.IMetric;
  /** What the alarm means, one sentence. */
  readonly summary: string;
  /** What to do when it fires. */
  readonly runbook: string;
}

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * CloudWatch monitoring of a Nomad cluster: a dashboard with what an operator looks at first, and
 * alarms with thresholds and a runbook each (in the alarm description), notifying an SNS topic.
 *
 * Every widget and alarm reads a metric the stack really has: the Nomad metrics the CloudWatch agent
 * publishes (see `nomad-metrics.ts`), the instance metrics of the CloudWatch agent, the Auto Scaling
 * groups' group metrics, the load balancer's, and an EventBridge rule's matched events.
 *
 * Built with aws-cdk-lib's own CloudWatch constructs: the metrics are the cluster's own (embedded
 * metric format from the CloudWatch agent, sample counts that say whether a leader reports), which
 * a generic monitoring library would only wrap as custom metrics, and a library would add a runtime
 * dependency to every app that uses the cluster.
 */
export class NomadMonitoring extends Construct {
  /** The topic the alarms notify. */
  public readonly alarmTopic: sns.ITopic;
  /** The dashboard, unless `dashboard` is false. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The EventBridge rule that counts Spot interruption warnings (for the dashboard). */
  public readonly spotInterruptionRule: events.Rule;

  private readonly cluster: MonitoredCluster;
  private readonly alarmList: NomadAlarm[] = [];
  /** The widgets each client pool adds its metrics to (none without a dashboard). */
  private readonly poolWidgets?: {
    readonly capacity: cloudwatch.GraphWidget;
    readonly allocations: cloudwatch.GraphWidget;
    readonly notJoined: cloudwatch.GraphWidget;
    readonly utilization: cloudwatch.GraphWidget;
  };
  private readonly pools = new Set<NomadClientPool>();
  private readonly bootFailurePeriod: Duration;

  public constructor(scope: Construct, id: string, props: NomadMonitoringProps) {
    super(scope, id);
    const { cluster } = props;
    this.cluster = cluster;
    const path = this.node.path;
    requireSynthTimeValues(path, {
      blockedEvaluationsPeriod: [props.blockedEvaluationsPeriod, "it decides the alarm's evaluation periods"],
      bootFailurePeriod: [props.bootFailurePeriod, "it decides the alarm's evaluation periods"],
    });
    this.alarmTopic = this.resolveTopic(props, path);
    this.bootFailurePeriod = checkMinutes(props.bootFailurePeriod ?? Duration.minutes(30), `${path}.bootFailurePeriod`);
    const blockedPeriod = checkMinutes(
      props.blockedEvaluationsPeriod ?? Duration.minutes(15),
      `${path}.blockedEvaluationsPeriod`,
    );
    const threshold5xx = props.loadBalancer5xxThreshold ?? 10;
    // A token (a CfnParameter) is CloudFormation's to check: the alarm takes it as it is.
    if (!Token.isUnresolved(threshold5xx) && (!Number.isInteger(threshold5xx) || threshold5xx < 1)) {
      throw new NomadError(
        'invalid-prop',
        `${path}.loadBalancer5xxThreshold`,
        `expected a whole number of answers (at least 1), received ${threshold5xx}.`,
      );
    }

    // Spot interruption warnings carry only the instance id, not its Auto Scaling group: the rule
    // counts those of the whole account and region, which is what the widget says.
    this.spotInterruptionRule = new events.Rule(this, 'SpotInterruptions', {
      description: `Counts EC2 Spot interruption warnings (account and region) for the dashboard of Nomad cluster ${cluster.clusterName}`,
      eventPattern: { source: ['aws.ec2'], detailType: ['EC2 Spot Instance Interruption Warning'] },
    });

    const servers = cluster.servers;
    const leaderReports = this.serverMetric(
      SERVER_METRICS.readyEvaluations,
      'SampleCount',
      ONE_MINUTE,
      'Leader reporting',
    );
    const serversInService = servers.metricInServiceServers({ period: FIVE_MINUTES, label: 'Servers in service' });
    const serversReporting = new cloudwatch.MathExpression({
      expression: 'reports / 5',
      usingMetrics: {
        reports: this.serverMetric(SERVER_METRICS.goroutines, 'SampleCount', FIVE_MINUTES, 'Server reports'),
      },
      period: FIVE_MINUTES,
      label: 'Servers reporting Nomad metrics',
    });

    // Alarms that treat missing data as breaching exist once their group has signalled (its instances
    // report), so a first deploy does not notify before the nodes have booted.
    const noLeader = this.addAlarm('NoLeader', {
      metric: leaderReports,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      summary:
        'No Nomad server has reported the leader-only evaluation broker metrics for 5 minutes: the cluster has no leader',
      runbook:
        'Run `nomad operator raft list-peers` and `nomad server members` (Session Manager shell on a server). Without a leader nothing is scheduled; if a majority of servers is gone, let the Auto Scaling group replace them one at a time, and follow "Outage recovery" in the Nomad docs if quorum is lost for good.',
    });
    const serversMissing = this.addAlarm('ServersMissing', {
      metric: new cloudwatch.MathExpression({
        expression: 'MIN([inService, reporting])',
        usingMetrics: { inService: serversInService, reporting: serversReporting },
        period: FIVE_MINUTES,
        label: 'Servers in service and reporting',
      }),
      threshold: servers.count - 0.5,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      summary: `Fewer than ${servers.count} Nomad servers are in service and reporting for 10 minutes`,
      runbook: `Check the servers' Auto Scaling group activity (a failed launch or boot) and the Nomad log group of the missing server; \`nomad server members\` shows who left. With ${servers.count - 1} of ${servers.count} servers raft still has quorum, but one more loss ${servers.count === 3 ? 'stops the cluster' : 'brings it closer to losing quorum'}.`,
    });
    noLeader.node.addDependency(servers.autoScalingGroup);
    serversMissing.node.addDependency(servers.autoScalingGroup);
    this.addAlarm('BlockedEvaluations', {
      metric: cluster.metricBlockedEvaluations({ period: ONE_MINUTE, statistic: cloudwatch.Stats.MINIMUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: blockedPeriod.toMinutes(),
      datapointsToAlarm: blockedPeriod.toMinutes(),
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      summary: `Evaluations have been blocked for lack of capacity for ${blockedPeriod.toMinutes()} minutes`,
      runbook:
        "Run `nomad eval list -status blocked` and `nomad job status <job>` for the blocked jobs: a node pool is full, scaled to zero or missing, or a constraint matches no node. Raise the pool's capacity (its Auto Scaling group) or fix the job's constraints and resources.",
    });

    const ui = cluster.ui;
    if (ui !== undefined) {
      const lb = ui.loadBalancer.metrics;
      const fiveXx = new cloudwatch.MathExpression({
        expression: 'FILL(target, 0) + FILL(lb, 0)',
        usingMetrics: {
          target: ui.metricServerErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
          lb: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.SUM,
          }),
        },
        period: FIVE_MINUTES,
        label: '5xx answers (servers and load balancer)',
      });
      this.addAlarm('LoadBalancer5xx', {
        metric: fiveXx,
        threshold: threshold5xx,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        summary: `More than ${threshold5xx} 5xx answers per 5 minutes from the Nomad UI load balancer, twice in a row`,
        runbook:
          "Read the load balancer's access logs (which paths fail) and the servers' errors (`nomad monitor -log-level=ERROR` on a server); 502/503 from the load balancer itself mean no healthy server (see the unhealthy servers alarm), a 500 from Nomad is explained in its log.",
      });
      this.addAlarm('UnhealthyServers', {
        metric: ui.metricUnhealthyServers({ period: ONE_MINUTE }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        summary: 'A Nomad server has failed the load balancer health check (/v1/agent/health) for 5 minutes',
        runbook:
          'Find the unhealthy target in the target group, open a Session Manager shell on it and run `systemctl status nomad` and `curl -sk https://127.0.0.1:4646/v1/agent/health`; a server that stays unhealthy is replaced by terminating it (its Auto Scaling group launches a replacement; raft keeps quorum with the others).',
      });
    }

    if (props.dashboard !== false) {
      this.poolWidgets = {
        capacity: graph('Client pools: desired and in service', 'Instances', []),
        allocations: graph('Allocations running by pool', 'Allocations', []),
        notJoined: graph('Instances without a Nomad agent reporting (failed or still booting)', 'Instances', []),
        utilization: graph('Client pools: CPU and memory in use', 'Percent', []),
      };
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
        dashboardName: props.dashboardName ?? `Nomad-${cluster.clusterName}`,
        defaultInterval: Duration.hours(6),
      });
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({
          markdown: `# Nomad cluster ${cluster.clusterName}\nAlarms notify the topic \`${this.alarmTopic.topicName}\`; each alarm's description says what to do.`,
          width: 24,
          height: 2,
        }),
      );
      this.dashboard.addWidgets(
        graph(
          'Raft: leader and servers',
          'Count',
          [leaderReports, serversReporting, serversInService],
          [cluster.metricLeaderElections({ period: FIVE_MINUTES, label: 'Leader elections' })],
        ),
        graph('Servers: CPU, memory and disk in use', 'Percent', [
          servers.metricCpuUtilization({ label: 'CPU' }),
          servers.metricMemoryUtilization({ label: 'Memory' }),
          servers.metricDiskUtilization({ label: 'Disk (raft data)' }),
        ]),
      );
      this.dashboard.addWidgets(
        graph('Evaluations: blocked and pending', 'Evaluations', [
          cluster.metricBlockedEvaluations({ label: 'Blocked (no capacity)' }),
          cluster.metricPendingEvaluations({ label: 'Pending' }),
        ]),
        graph('Allocations failed and clients with a heartbeat', 'Count', [
          this.serverMetric(SERVER_METRICS.failedAllocations, 'Sum', ONE_MINUTE, 'Failed allocations (job summaries)'),
          cluster.metricActiveClientHeartbeats({ label: 'Clients with a heartbeat' }),
        ]),
      );
      this.dashboard.addWidgets(this.poolWidgets.capacity, this.poolWidgets.allocations);
      this.dashboard.addWidgets(this.poolWidgets.notJoined, this.poolWidgets.utilization);
      this.dashboard.addWidgets(
        graph('Spot interruption warnings (account and region)', 'Warnings', [
          new cloudwatch.Metric({
            namespace: 'AWS/Events',
            metricName: 'MatchedEvents',
            dimensionsMap: { RuleName: this.spotInterruptionRule.ruleName },
            statistic: cloudwatch.Stats.SUM,
            period: FIVE_MINUTES,
            label: 'Interruption warnings',
          }),
        ]),
      );
      if (ui !== undefined) {
        const lb = ui.loadBalancer.metrics;
        this.dashboard.addWidgets(
          graph('UI load balancer: 5xx and unhealthy servers', 'Count', [
            ui.metricServerErrors({
              period: FIVE_MINUTES,
              statistic: cloudwatch.Stats.SUM,
              label: '5xx from the servers',
            }),
            lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, {
              period: FIVE_MINUTES,
              statistic: cloudwatch.Stats.SUM,
              label: '5xx from the load balancer',
            }),
            ui.metricUnhealthyServers({ label: 'Unhealthy servers' }),
          ]),
          graph('UI load balancer: response time (blocking queries wait up to 5 minutes)', 'Seconds', [
            lb.targetResponseTime({ statistic: 'p50', label: 'p50' }),
            lb.targetResponseTime({ statistic: 'p99', label: 'p99' }),
          ]),
        );
      }
    }
    for (const pool of cluster.pools) {
      this.addClientPool(pool);
    }
  }

  /** The alarms, with what each means and what to do when it fires. */
  public get alarms(): readonly NomadAlarm[] {
    return [...this.alarmList];
  }

  /**
   * Adds a client pool's widgets (capacity, allocations, utilization, instances without an agent)
   * and its alarms (below its minimum, instances that never joined). The cluster calls it for every
   * pool it creates; adding a pool twice does nothing.
   */
  public addClientPool(pool: NomadClientPool): void {
    if (this.pools.has(pool)) {
      return;
    }
    this.pools.add(pool);
    const name = pool.nodePool;
    const group = pool.autoScalingGroup;
    const inService = groupMetric(group, 'GroupInServiceInstances', `${name} in service`);
    const desired = groupMetric(group, 'GroupDesiredCapacity', `${name} desired`);
    const reports = new cloudwatch.Metric({
      namespace: NOMAD_NAMESPACE,
      metricName: CLIENT_METRICS.runningAllocations,
      dimensionsMap: { [CLUSTER_DIMENSION]: this.cluster.clusterName, [NODE_POOL_DIMENSION]: name },
      statistic: 'SampleCount',
      period: FIVE_MINUTES,
    });
    // Ids unique over the pools: the pools' expressions share one graph.
    const index = this.pools.size;
    const notJoined = new cloudwatch.MathExpression({
      // Each client reports once a minute: reports / 5 is the clients reporting.
      expression: `inService${index} - FILL(reports${index}, 0) / 5`,
      usingMetrics: {
        [`inService${index}`]: groupMetric(group, 'GroupInServiceInstances', 'in service', FIVE_MINUTES),
        [`reports${index}`]: reports,
      },
      period: FIVE_MINUTES,
      label: `${name}: in service without an agent reporting`,
    });
    const widgets = this.poolWidgets;
    if (widgets !== undefined) {
      widgets.capacity.addLeftMetric(desired);
      widgets.capacity.addLeftMetric(inService);
      widgets.allocations.addLeftMetric(pool.metricRunningAllocations({ label: name }));
      widgets.notJoined.addLeftMetric(notJoined);
      widgets.utilization.addLeftMetric(pool.metricCpuUtilization({ label: `${name} CPU` }));
      widgets.utilization.addLeftMetric(pool.metricMemoryUtilization({ label: `${name} memory` }));
    }

    const minimum = minimumSize(group);
    if (minimum !== undefined && minimum > 0) {
      const belowMinimum = this.addAlarm(`${pool.node.id}BelowMinimum`, {
        metric: groupMetric(group, 'GroupInServiceInstances', `${name} in service`, FIVE_MINUTES),
        threshold: minimum,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        summary: `The client pool ${name} has had fewer than its minimum of ${minimum} instances in service for 15 minutes`,
        runbook: `Read the activity history of the pool's Auto Scaling group (\`aws autoscaling describe-scaling-activities --auto-scaling-group-name <group>\`): launches fail for lack of capacity (add instance types), an EC2 quota, or a launch template problem. Jobs of node_pool "${name}" wait in blocked evaluations meanwhile.`,
      });
      belowMinimum.node.addDependency(group);
    }
    const minutes = this.bootFailurePeriod.toMinutes() + (pool.gpu ? 15 : 0);
    const periods = Math.ceil(minutes / 5);
    this.addAlarm(`${pool.node.id}BootFailures`, {
      metric: notJoined,
      threshold: 0.5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      summary: `An instance of the client pool ${name} has been in service for ${periods * 5} minutes without its Nomad agent reporting: its boot failed`,
      runbook: `Find the instance of the pool's Auto Scaling group that is missing from \`nomad node status\`, read its boot log (EC2 console output or /var/log/cloud-init-output.log through Session Manager), fix the cause and terminate the instance: the group replaces it.`,
    });
  }

  /**
   * Adds an alarm that notifies the topic (when it fires and when it is OK again), with what it
   * means and what to do in its description.
   */
  public addAlarm(id: string, options: NomadAlarmOptions): cloudwatch.Alarm {
    const { summary, runbook, metric, ...alarmOptions } = options;
    const description = `${summary}. Runbook: ${runbook}`;
    if (description.length > 1024) {
      throw new NomadError(
        'invalid-prop',
        `${this.node.path}.addAlarm(${id})`,
        `expected a summary and runbook of at most 1024 characters together (CloudWatch's limit for an alarm description), received ${description.length}. Shorten the runbook and link to a longer one.`,
      );
    }
    const alarm = new cloudwatch.Alarm(this, id, { metric, alarmDescription: description, ...alarmOptions });
    const action = new cloudwatchActions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarmList.push({ alarm, summary, runbook });
    return alarm;
  }

  private serverMetric(metricName: string, statistic: string, period: Duration, label: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: NOMAD_NAMESPACE,
      metricName,
      dimensionsMap: { [CLUSTER_DIMENSION]: this.cluster.clusterName },
      statistic,
      period,
      label,
    });
  }

  private resolveTopic(props: NomadMonitoringProps, path: string): sns.ITopic {
    if (props.alarmTopic !== undefined) {
      if (props.alarmEmail !== undefined) {
        throw new NomadError(
          'invalid-prop',
          `${path}.alarmEmail`,
          'expected alarmEmail only when the monitoring creates its topic, received it with alarmTopic. Subscribe the address to your topic, or remove alarmTopic.',
        );
      }
      return props.alarmTopic;
    }
    const key = props.cluster.encryptionKey;
    // CloudWatch publishes to an encrypted topic only if the key lets it (AWS-managed SNS keys do not).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsToTheAlarmTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Nomad cluster ${props.cluster.clusterName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail !== undefined) {
      if (!Token.isUnresolved(props.alarmEmail) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.alarmEmail)) {
        throw new NomadError(
          'invalid-prop',
          `${path}.alarmEmail`,
          `expected an e-mail address such as ops@example.com, received ${JSON.stringify(props.alarmEmail)}.`,
        );
      }
      topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    } else {
      Annotations.of(this).addInfo(
        `The alarms of Nomad cluster ${props.cluster.clusterName} notify the topic ${topic.node.path}, which has no subscriber: set monitoring.alarmEmail or subscribe to it.`,
      );
    }
    return topic;
  }
}

/** A graph widget, half the dashboard wide. */
function graph(
  title: string,
  label: string,
  left: cloudwatch.IMetric[],
  right: cloudwatch.IMetric[] = [],
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    left,
    right,
    leftYAxis: { label, showUnits: false, min: 0 },
    width: 12,
    height: 6,
  });
}

/** A group metric of an Auto Scaling group (the groups publish all of them). */
function groupMetric(
  group: autoscaling.IAutoScalingGroup,
  metricName: string,
  label: string,
  period: Duration = ONE_MINUTE,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/AutoScaling',
    metricName,
    dimensionsMap: { AutoScalingGroupName: group.autoScalingGroupName },
    statistic: cloudwatch.Stats.MINIMUM,
    period,
    label,
  });
}

/** The group's minimum size, when it is known at synth time. */
function minimumSize(group: autoscaling.AutoScalingGroup): number | undefined {
  const minSize = (group.node.defaultChild as autoscaling.CfnAutoScalingGroup).minSize;
  const value = Number(minSize);
  return Token.isUnresolved(minSize) || !Number.isInteger(value) ? undefined : value;
}

/** A duration in whole minutes (at least 5), for alarms evaluated per minute. */
function checkMinutes(duration: Duration, path: string): Duration {
  const minutes = duration.toMinutes({ integral: false });
  if (Token.isUnresolved(minutes) || !Number.isInteger(minutes) || minutes < 5 || minutes > 1440) {
    throw new NomadError(
      'invalid-prop',
      path,
      `expected whole minutes from 5 to 1440, received ${duration.toHumanString()}. Use Duration.minutes().`,
    );
  }
  return duration;
}
