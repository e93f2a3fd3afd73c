import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, type IConstruct } from 'constructs';
import { NomadError } from '../errors';
import { CLUSTER_DIMENSION, NOMAD_NAMESPACE, SERVER_METRICS } from '../observability/nomad-metrics';

/**
 * A Nomad cluster: one created by {@link NomadCluster}, or one imported with
 * `NomadCluster.fromClusterAttributes()` (e.g. in another stack, to open its API to a service or to
 * alarm on its metrics).
 */
export interface INomadCluster extends IConstruct, ec2.IConnectable {
  /** The cluster name (tags, the `NomadCluster` metric dimension). */
  readonly clusterName: string;
  /** The Nomad API address (`NOMAD_ADDR`). */
  readonly apiUrl: string;
  /** Evaluations blocked for lack of capacity (maximum over the servers): clients are full. */
  metricBlockedEvaluations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Evaluations waiting to be scheduled (maximum over the servers): the schedulers are behind. */
  metricPendingEvaluations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Client nodes with a live heartbeat, as the leader counts them. */
  metricActiveClientHeartbeats(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Leader elections started (sum over the servers): more than a few a day means unstable servers or network. */
  metricLeaderElections(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** What identifies an existing cluster, for `NomadCluster.fromClusterAttributes()`. */
export interface NomadClusterAttributes {
  /** The cluster's `clusterName`. */
  readonly clusterName: string;
  /** The Nomad API address, e.g. the `NomadAddr` output of the cluster's stack. */
  readonly apiUrl: string;
  /** The servers' security group (`cluster.servers.securityGroup.securityGroupId`): `connections` opens port 4646 on it. */
  readonly serverSecurityGroup: ec2.ISecurityGroup;
}

/** The metrics of {@link INomadCluster}: they need only the cluster name. */
export abstract class NomadClusterBase extends Construct implements INomadCluster {
  public abstract readonly clusterName: string;
  public abstract readonly apiUrl: string;
  public abstract readonly connections: ec2.Connections;

  public metricBlockedEvaluations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.serverMetric(SERVER_METRICS.blockedEvaluations, props);
  }

  public metricPendingEvaluations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.serverMetric(SERVER_METRICS.pendingEvaluations, props);
  }

  public metricActiveClientHeartbeats(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.serverMetric(SERVER_METRICS.activeHeartbeats, props);
  }

  public metricLeaderElections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.serverMetric(SERVER_METRICS.leaderElections, { statistic: cloudwatch.Stats.SUM, ...props });
  }

  private serverMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: NOMAD_NAMESPACE,
      metricName,
      dimensionsMap: { [CLUSTER_DIMENSION]: this.clusterName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      ...props,
    });
  }
}

/**
 * Checks a name written into instance configuration, tags and metric dimensions at synth time.
 *
 * @internal
 */
export function checkName(value: string, path: string, maxLength: number): void {
  if (Token.isUnresolved(value)) {
    throw new NomadError(
      'unresolved-token',
      path,
      "expected a literal string, received a token. This value is written into the instances' configuration and metric dimensions at synth time; use a plain string.",
    );
  }
  if (!new RegExp(`^[A-Za-z0-9_-]{1,${maxLength}}$`).test(value)) {
    throw new NomadError(
      'invalid-prop',
      path,
      `expected 1 to ${maxLength} letters, digits, "-" or "_", received ${JSON.stringify(value)}.`,
    );
  }
}
