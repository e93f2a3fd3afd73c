import { Aws, Duration, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { NomadClientPool, NomadHostVolume } from '../cluster/nomad-client-pool';
import type { NomadCluster } from '../cluster/nomad-cluster';
import { NomadPorts } from '../cluster/nomad-ports';
import { NomadError } from '../errors';
import { NomadJob } from '../job/nomad-job';
import { acceptLoadBalancedPoolFindings, acceptUnrotatedSecret } from '../nag/reviewed-findings';
import { addStableOutput } from '../outputs/stable-output';
import { grantSecretRead } from '../security/nomad-cluster-secrets';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import { GRAFANA_PORT, grafanaJob } from './jobs/grafana-job';
import type { ObservabilityImages } from './jobs/job-parts';
import { PROMETHEUS_PATHS, PUSHGATEWAY_PORT, prometheusJob } from './jobs/prometheus-job';
import {
  type PrometheusAlertRulesOptions,
  prometheusAlertRules,
  renderPrometheusRuleFile,
} from './prometheus/alert-rules';
import { prometheusConfig, renderPrometheusConfig } from './prometheus/prometheus-config';

/** The host volumes Prometheus and Grafana keep their data on. */
const DATA_VOLUMES = { prometheus: 'prometheus-data', grafana: 'grafana-data' } as const;

/** Props of {@link NomadObservability}. */
export interface NomadObservabilityProps {
  /** The cluster to watch. */
  readonly cluster: NomadCluster;
  /**
   * The client pool Prometheus, the Pushgateway and Grafana run in: a small pool of its own (one
   * instance) with the host volumes of `NomadObservability.hostVolumes()`. Its instance role may read
   * the cluster CA and Grafana's admin password, so run nothing else there.
   */
  readonly pool: NomadClientPool;
  /**
   * Services scraped on `/metrics` besides those tagged `scrapeTag` (e.g. `['hello-world']`).
   *
   * @default - none
   */
  readonly scrapeServices?: string[];
  /**
   * Services with this tag are scraped on `/metrics`.
   *
   * @default 'prometheus'
   */
  readonly scrapeTag?: string;
  /**
   * The Nomad namespaces whose services are discovered.
   *
   * @default ['default']
   */
  readonly namespaces?: string[];
  /**
   * How long Prometheus keeps samples (whole hours or days).
   *
   * @default Duration.days(15)
   */
  readonly retention?: Duration;
  /**
   * The most disk Prometheus's samples may take on the pool's root volume; the oldest go first.
   *
   * @default Size.gibibytes(20)
   */
  readonly retentionSize?: Size;
  /**
   * The memory Prometheus reserves (it may use twice as much where the client has it free). A few
   * hundred series, as the reference cluster has, fit in 512 MiB.
   *
   * @default Size.gibibytes(1)
   */
  readonly prometheusMemory?: Size;
  /**
   * Options of the alert rules (the server count is the cluster's).
   *
   * @default - the sample workloads' names: hello-world, trainer
   */
  readonly alertRules?: Omit<PrometheusAlertRulesOptions, 'serverCount'>;
  /**
   * The secret holding Grafana's admin password (a plain string). The pool's instance role may read it.
   *
   * @default - a new secret with a random 32-character password, encrypted with the cluster key
   */
  readonly grafanaAdminPassword?: secretsmanager.ISecret;
  /**
   * The path Grafana is served under on the cluster's load balancer (when the cluster has a UI).
   *
   * @default '/grafana'
   */
  readonly grafanaPath?: string;
  /**
   * The priority of the load balancer's listener rule that sends `grafanaPath` to Grafana.
   *
   * @default 10
   */
  readonly grafanaListenerPriority?: number;
  /**
   * The images of Prometheus, the Pushgateway, Grafana and the helper tasks.
   *
   * @default - the pinned versions of `DEFAULT_OBSERVABILITY_IMAGES`
   */
  readonly images?: ObservabilityImages;
}

/**
 * Prometheus and Grafana on the cluster, deployed as Nomad jobs by `cdk deploy` (`NomadJob`):
 *
 * - Prometheus scrapes every Nomad agent's `/v1/metrics?format=prometheus` (found by EC2 service
 *   discovery over the cluster's tags, over TLS checked against the cluster CA) and every service
 *   tagged for scraping (Nomad's service discovery, with the task's workload identity, whose implicit
 *   policy reads service registrations and nothing more), keeps its data on a host volume with a
 *   retention, and evaluates the alert rules of `prometheusAlertRules`.
 * - A Pushgateway, for batch jobs such as the trainer (see `withPushgatewayUrl`).
 * - Grafana with the Prometheus data source and the shipped dashboards provisioned from files, its
 *   admin password from Secrets Manager, reached through the cluster's load balancer under
 *   `/grafana` behind the same allowed networks as the Nomad UI (or a Session Manager port forward
 *   to port 3000 without a UI).
 *
 * The security groups let the pool reach the agents' HTTP port (4646), the clients reach the
 * Pushgateway, and the load balancer reach Grafana, and nothing else.
 */
export class NomadObservability extends Construct {
  /**
   * The host volumes the pool needs: pass them to `cluster.addClientPool('observability', { hostVolumes })`.
   *
   * @param root - the directory on the instances under which the data directories are created
   */
  public static hostVolumes(root: string = '/opt/observability'): NomadHostVolume[] {
    return [
      { name: DATA_VOLUMES.prometheus, path: `${root}/prometheus` },
      { name: DATA_VOLUMES.grafana, path: `${root}/grafana` },
    ];
  }

  /** The client pool Prometheus, the Pushgateway and Grafana run in. */
  public readonly pool: NomadClientPool;
  /** The Prometheus job (Prometheus and the Pushgateway). */
  public readonly prometheusJob: NomadJob;
  /** The Grafana job. */
  public readonly grafanaJob: NomadJob;
  /** The secret holding Grafana's admin password. */
  public readonly grafanaAdminPassword: secretsmanager.ISecret;
  /** Grafana's URL: on the load balancer, or on localhost through a Session Manager port forward. */
  public readonly grafanaUrl: string;
  /** Grafana's target group on the cluster's load balancer, when the cluster has a UI. */
  public readonly grafanaTargetGroup?: elbv2.ApplicationTargetGroup;

  public constructor(scope: Construct, id: string, props: NomadObservabilityProps) {
    super(scope, id);
    const { cluster, pool } = props;
    const path = this.node.path;
    requireSynthTimeValues(path, {
      retention: [props.retention, "it is written into Prometheus's Nomad job"],
      retentionSize: [props.retentionSize, "it is written into Prometheus's Nomad job"],
      prometheusMemory: [props.prometheusMemory, "it is written into Prometheus's Nomad job"],
    });
    if (!cluster.pools.includes(pool)) {
      throw new NomadError(
        'invalid-prop',
        `${path}.pool`,
        `expected a client pool of the cluster ${cluster.node.path}, received ${pool.node.path}. Create it with cluster.addClientPool().`,
      );
    }
    const missing = Object.values(DATA_VOLUMES).filter(
      (name) => !pool.hostVolumes.some((volume) => volume.name === name && volume.readOnly !== true),
    );
    if (missing.length > 0) {
      throw new NomadError(
        'invalid-prop',
        `${path}.pool`,
        `expected a pool with the writable host volumes ${missing.map((name) => `"${name}"`).join(' and ')}, received the pool "${pool.nodePool}" without them. Create it with cluster.addClientPool('${pool.nodePool}', { hostVolumes: NomadObservability.hostVolumes() }).`,
      );
    }
    this.pool = pool;
    const grafanaPath = props.grafanaPath ?? '/grafana';

    // Prometheus scrapes the agents directly; the tasks on every client reach the Pushgateway.
    cluster.servers.connections.allowFrom(pool, ec2.Port.tcp(NomadPorts.HTTP), 'Nomad metrics, scraped by Prometheus');
    cluster.nodeContext.clientSecurityGroup.addIngressRule(
      pool.securityGroup,
      ec2.Port.tcp(NomadPorts.HTTP),
      'Nomad metrics, scraped by Prometheus',
    );
    pool.connections.allowFrom(
      cluster.nodeContext.clientSecurityGroup,
      ec2.Port.tcp(PUSHGATEWAY_PORT),
      'Prometheus Pushgateway, for batch jobs',
    );
    // EC2 service discovery lists the instances (DescribeInstances is already granted to every node).
    pool.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ec2:DescribeAvailabilityZones'], resources: ['*'] }),
    );
    cluster.grantCaRead(pool);
    this.grafanaAdminPassword =
      props.grafanaAdminPassword ??
      new secretsmanager.Secret(this, 'GrafanaAdminPassword', {
        description: `Grafana admin password of Nomad cluster ${cluster.clusterName} (user admin)`,
        encryptionKey: cluster.encryptionKey,
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
      });
    if (props.grafanaAdminPassword === undefined) {
      acceptUnrotatedSecret(
        this.grafanaAdminPassword,
        'Grafana takes its admin password from this secret only when it creates its database (first start); a rotated value would not reach it. Change the password in Grafana and then store it here.',
      );
      grantSecretRead(this.grafanaAdminPassword, cluster.encryptionKey, pool);
    } else {
      this.grafanaAdminPassword.grantRead(pool);
    }

    const rules = prometheusAlertRules({ ...props.alertRules, serverCount: cluster.servers.count });
    const config = prometheusConfig({
      clusterName: cluster.clusterName,
      nomadRegion: cluster.nomadRegion,
      awsRegion: Aws.REGION,
      caFile: PROMETHEUS_PATHS.caFile,
      tokenFile: PROMETHEUS_PATHS.tokenFile,
      ruleFiles: [PROMETHEUS_PATHS.ruleGlob],
      scrapeTag: props.scrapeTag,
      scrapeServices: props.scrapeServices,
      namespaces: props.namespaces,
    });
    this.prometheusJob = new NomadJob(this, 'PrometheusJob', {
      cluster,
      job: prometheusJob({
        nodePool: pool.nodePool,
        datacenters: [cluster.datacenter],
        config: renderPrometheusConfig(config),
        rules: renderPrometheusRuleFile(rules),
        caSecretArn: cluster.secrets.caCertificate.secretArn,
        awsRegion: Aws.REGION,
        retention: props.retention ?? Duration.days(15),
        retentionSize: props.retentionSize ?? Size.gibibytes(20),
        dataVolume: DATA_VOLUMES.prometheus,
        memory: props.prometheusMemory,
        images: props.images,
      }),
    });

    const ui = cluster.ui;
    this.grafanaUrl = ui === undefined ? `http://localhost:${GRAFANA_PORT}${grafanaPath}/` : `${ui.url}${grafanaPath}/`;
    this.grafanaJob = new NomadJob(this, 'GrafanaJob', {
      cluster,
      job: grafanaJob({
        nodePool: pool.nodePool,
        datacenters: [cluster.datacenter],
        adminPasswordSecretArn: this.grafanaAdminPassword.secretArn,
        awsRegion: Aws.REGION,
        rootUrl: this.grafanaUrl,
        subPath: grafanaPath,
        dataVolume: DATA_VOLUMES.grafana,
        images: props.images,
      }),
    });
    // Grafana's data source is rendered from Prometheus's service registration.
    this.grafanaJob.node.addDependency(this.prometheusJob);

    if (ui !== undefined) {
      acceptLoadBalancedPoolFindings(pool.autoScalingGroup, 'grafana');
      this.grafanaTargetGroup = new elbv2.ApplicationTargetGroup(this, 'GrafanaTargets', {
        vpc: cluster.vpc,
        port: GRAFANA_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.INSTANCE,
        targets: [pool.autoScalingGroup],
        healthCheck: {
          path: `${grafanaPath}/api/health`,
          healthyHttpCodes: '200',
          interval: Duration.seconds(15),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
        deregistrationDelay: Duration.seconds(15),
      });
      ui.listener.addTargetGroups('Grafana', {
        priority: props.grafanaListenerPriority ?? 10,
        conditions: [elbv2.ListenerCondition.pathPatterns([grafanaPath, `${grafanaPath}/*`])],
        targetGroups: [this.grafanaTargetGroup],
      });
      // The listener opens port 3000 from the load balancer's security group to the pool's instances
      // (CDK registers the Auto Scaling group's security groups as the target's connections).
      cluster.monitoring?.addAlarm('GrafanaUnhealthy', {
        metric: this.metricUnhealthyGrafana({ period: Duration.minutes(1) }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 10,
        datapointsToAlarm: 10,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        summary: `An instance of the pool ${pool.nodePool} has failed Grafana's health check (${grafanaPath}/api/health) for 10 minutes`,
        runbook:
          'Run `nomad job status grafana` and `nomad alloc logs -job grafana grafana`: Grafana is not running (a failed deployment, a volume it cannot write, the admin password it could not read). The pool should have one instance: with more, the others fail this check by design.',
      });
    }
    addStableOutput(this, 'GrafanaUrl', {
      description:
        ui === undefined
          ? 'Grafana, through a Session Manager port forward to port 3000 of the observability pool (user admin, password in GrafanaAdminPasswordSecretArn)'
          : 'Grafana (user admin, password in GrafanaAdminPasswordSecretArn)',
      value: this.grafanaUrl,
    });
    addStableOutput(this, 'GrafanaAdminPasswordSecretArn', {
      description: "Secrets Manager secret holding Grafana's admin password",
      value: this.grafanaAdminPassword.secretArn,
    });
  }

  /** Instances of the pool that fail Grafana's health check, as the load balancer sees them (with a UI only). */
  public metricUnhealthyGrafana(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.grafanaTargetGroup === undefined) {
      throw new NomadError(
        'invalid-state',
        `${this.node.path}.metricUnhealthyGrafana`,
        'expected a cluster with a UI load balancer, received one without: Grafana has no target group to measure.',
      );
    }
    return this.grafanaTargetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', ...props });
  }
}
