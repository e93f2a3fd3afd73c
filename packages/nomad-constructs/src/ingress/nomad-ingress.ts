import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import type { NomadClientPool } from '../cluster/nomad-client-pool';
import type { NomadCluster } from '../cluster/nomad-cluster';
import { NomadError } from '../errors';
import { NomadJob } from '../job/nomad-job';
import { acceptLoadBalancedPoolFindings } from '../nag/reviewed-findings';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import { DEFAULT_INGRESS_PORT, TRAEFIK_PING_PATH, traefikJob } from './traefik-job';

/** Props of {@link NomadIngress}. */
export interface NomadIngressProps {
  /** The cluster; it needs a UI load balancer (`ui`), whose HTTPS listener gets the ingress rule. */
  readonly cluster: NomadCluster;
  /** The client pool whose every instance runs Traefik and receives the load balancer's traffic. */
  readonly pool: NomadClientPool;
  /**
   * Which requests of the load balancer go to Traefik (the rest stay with the Nomad UI and API).
   * Traefik then routes them by the `traefik.http.routers.<name>.rule` tags of the services.
   *
   * @default - the path `/` only: `https://<ui domain>/` reaches the services, `/ui/` and `/v1/` Nomad
   */
  readonly conditions?: elbv2.ListenerCondition[];
  /**
   * The priority of the listener rule (lower wins; Grafana's default is 10).
   *
   * @default 20
   */
  readonly priority?: number;
  /**
   * The port Traefik listens on, on each client of the pool.
   *
   * @default 8080
   */
  readonly port?: number;
  /**
   * The Nomad namespaces whose services Traefik routes to.
   *
   * @default ['default']
   */
  readonly namespaces?: string[];
  /**
   * The Traefik image.
   *
   * @default 'docker.io/library/traefik:v3.5.3'
   */
  readonly image?: string;
}

/**
 * Traffic from the cluster's load balancer to Nomad services: Traefik runs as a system job on every
 * client of a pool (deployed by `cdk deploy` as a {@link NomadJob}) and routes by the tags of Nomad's
 * native service registrations, so a job exposes itself with tags alone:
 *
 * ```hcl
 * service {
 *   provider = "nomad"
 *   tags = ["traefik.enable=true", "traefik.http.routers.web.rule=PathPrefix(`/`)"]
 * }
 * ```
 *
 * The load balancer's HTTPS listener gets a rule (`conditions`, default the path `/`) forwarding to a
 * target group of the pool's instances on Traefik's port, health-checked on Traefik's `/ping`; the
 * pool's security group admits that port from the load balancer's security group only.
 */
export class NomadIngress extends Construct {
  /** The Traefik system job. */
  public readonly job: NomadJob;
  /** The pool's instances on Traefik's port. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The rule of the load balancer's HTTPS listener. */
  public readonly listenerRule: elbv2.ApplicationListenerRule;
  /** The port Traefik listens on. */
  public readonly port: number;

  public constructor(scope: Construct, id: string, props: NomadIngressProps) {
    super(scope, id);
    const { cluster, pool } = props;
    const path = this.node.path;
    requireSynthTimeValues(path, { port: [props.port, "it is written into Traefik's Nomad job"] });
    const ui = cluster.ui;
    if (ui === undefined) {
      throw new NomadError(
        'invalid-prop',
        `${path}.cluster`,
        `expected a cluster with a load balancer, received ${cluster.node.path} without one. Set the cluster's ui prop: the ingress is a rule of its HTTPS listener.`,
      );
    }
    if (!cluster.pools.includes(pool)) {
      throw new NomadError(
        'invalid-prop',
        `${path}.pool`,
        `expected a client pool of the cluster ${cluster.node.path}, received ${pool.node.path}. Create it with cluster.addClientPool().`,
      );
    }
    this.port = props.port ?? DEFAULT_INGRESS_PORT;
    // Traefik reads the CA to check the local agent's certificate.
    cluster.grantCaRead(pool);
    this.job = new NomadJob(this, 'Job', {
      cluster,
      job: traefikJob({
        nodePool: pool.nodePool,
        datacenters: [cluster.datacenter],
        port: this.port,
        caSecretArn: cluster.secrets.caCertificate.secretArn,
        awsRegion: Aws.REGION,
        namespaces: props.namespaces,
        trustedCidrs: [cluster.vpc.vpcCidrBlock],
        image: props.image,
      }),
    });

    acceptLoadBalancedPoolFindings(pool.autoScalingGroup, 'ingress');
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      vpc: cluster.vpc,
      port: this.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.INSTANCE,
      targets: [pool.autoScalingGroup],
      healthCheck: {
        path: TRAEFIK_PING_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      // Traefik stops taking requests on SIGTERM after its grace period; the job waits longer.
      deregistrationDelay: Duration.seconds(15),
    });
    // Registering the Auto Scaling group opens the port from the load balancer's security group to
    // the pool's, and nothing else.
    this.listenerRule = new elbv2.ApplicationListenerRule(this, 'Rule', {
      listener: ui.listener,
      priority: props.priority ?? 20,
      conditions: props.conditions ?? [elbv2.ListenerCondition.pathPatterns(['/'])],
      targetGroups: [this.targetGroup],
    });
    cluster.monitoring?.addAlarm('IngressUnhealthy', {
      metric: this.metricUnhealthyHosts({ period: Duration.minutes(1) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 10,
      datapointsToAlarm: 10,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      summary: `An instance of the pool ${pool.nodePool} has failed Traefik's health check (${TRAEFIK_PING_PATH} on port ${this.port}) for 10 minutes`,
      runbook: `Run \`nomad job status ${this.job.jobId}\` and \`nomad alloc logs -job ${this.job.jobId} traefik\`: Traefik is not running on that client (a failed allocation, the cluster CA it could not read, the port taken). The load balancer sends no traffic to that instance meanwhile.`,
    });
  }

  /** Pool instances whose Traefik fails the load balancer's health check. */
  public metricUnhealthyHosts(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', ...props });
  }

  /** 5xx responses from Traefik (and the services behind it). */
  public metricTargetErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, props);
  }
}
