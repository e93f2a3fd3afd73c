import { Annotations, Duration, Size } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { NomadAgentConfig } from '../agent/agent-config';
import { renderAgentConfig } from '../agent/render-agent-config';
import { NomadError } from '../errors';
import { cloudWatchAgentConfig, prometheusScrapeConfig } from '../observability/cloudwatch-agent-config';
import { INSTANCE_METRICS, INSTANCE_NAMESPACE } from '../observability/nomad-metrics';
import type { ClusterNodeContext, ClusterNodeContextProvider } from './cluster-node-context';
import { createNodeGroup, ROLE_TAG, SERVER_JOIN_TAG } from './node-group';
import { NomadPorts } from './nomad-ports';

/**
 * Stands for the workload identity issuer in the rendered agent configuration: the issuer is the
 * CloudFront address, known at deploy time only, while the configuration is checked at synth time.
 */
const OIDC_ISSUER_PLACEHOLDER = 'https://oidc-issuer.nomad-constructs.invalid';

/** Server counts with a clear failure tolerance: 3 tolerate 1 lost server, 5 tolerate 2, 7 tolerate 3. */
export const ALLOWED_SERVER_COUNTS: readonly number[] = [3, 5, 7];

/**
 * The selected subnets, if none is public: servers (and the functions that talk to them) hold the
 * cluster state and must not be reachable from the internet.
 *
 * @internal
 */
export function checkPrivateSubnets(vpc: ec2.IVpc, subnets: ec2.SubnetSelection, path: string): ec2.SelectedSubnets {
  const selected = vpc.selectSubnets(subnets);
  if (selected.hasPublic) {
    throw new NomadError(
      'invalid-prop',
      path,
      'expected private subnets, received public ones. Servers hold the cluster state and must not be reachable from the internet; select subnets of type PRIVATE_WITH_EGRESS.',
    );
  }
  return selected;
}

/** Props of {@link NomadServers}; {@link NomadCluster} creates the servers from its own props. */
export interface NomadServersProps {
  /** The cluster these servers run (a `NomadCluster`: its `nodeContext`). */
  readonly cluster: ClusterNodeContextProvider;
  /**
   * How many servers: 3, 5 or 7, spread evenly over the subnets' Availability Zones.
   *
   * @default 3
   * @see https://developer.hashicorp.com/nomad/docs/architecture/cluster/consensus#deployment-table
   */
  readonly count?: number;
  /**
   * The servers' instance type. HashiCorp sizes small production servers at 2-4 cores and 8-16 GB.
   *
   * @default m7i.large (2 vCPU, 8 GiB)
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Size of the encrypted gp3 root volume, which holds the raft data.
   *
   * @default 50 GiB
   */
  readonly volumeSize?: Size;
  /**
   * Where the servers run: private subnets, one Availability Zone per server for 3.
   *
   * @default - the private subnets with egress of the cluster's VPC
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The servers' instance role; the permissions they need are added to it.
   *
   * @default - a new role
   */
  readonly role?: iam.IRole;
}

/**
 * The Nomad servers: an Auto Scaling group of a fixed size whose instances find each other by
 * cloud auto-join and keep raft data on an encrypted gp3 volume.
 *
 * Replacement never risks quorum. A rolling update launches one new server before it terminates
 * an old one (`maxBatchSize` 1, `minInstancesInService` = count), and CloudFormation waits for the
 * new server's signal, which it sends only once it is a healthy voter and autopilot reports the
 * whole cluster healthy. Autopilot removes the replaced server from raft.
 */
export class NomadServers extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** How many servers run. */
  public readonly count: number;
  /** The Auto Scaling group of the servers. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The servers' launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The servers' instance role. */
  public readonly role: iam.IRole;
  /** The servers' security group. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** Connections to the servers; the default port is the HTTP API (4646). */
  public readonly connections: ec2.Connections;
  public readonly grantPrincipal: iam.IPrincipal;

  public constructor(scope: Construct, id: string, props: NomadServersProps) {
    super(scope, id);
    const cluster = props.cluster.nodeContext;
    this.count = props.count ?? 3;
    if (!ALLOWED_SERVER_COUNTS.includes(this.count)) {
      throw new NomadError(
        'invalid-prop',
        `${cluster.clusterPath}.serverCount`,
        `expected 3, 5 or 7 servers, received ${this.count}. An even count adds no failure tolerance (4 servers survive one failure, as 3 do) and more than 7 slow down every write; see https://developer.hashicorp.com/nomad/docs/architecture/cluster/consensus#deployment-table.`,
      );
    }
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.M7I, ec2.InstanceSize.LARGE);
    const subnets = props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const selected = checkPrivateSubnets(cluster.vpc, subnets, `${cluster.clusterPath}.serverSubnets`);
    const zones = new Set(selected.availabilityZones);
    if (zones.size < Math.min(3, this.count)) {
      Annotations.of(this).addWarningV2(
        '@org/nomad-constructs:serversInFewZones',
        `The ${this.count} Nomad servers span ${zones.size} Availability Zone(s): losing one zone can lose quorum. Use subnets in 3 zones.`,
      );
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: cluster.vpc,
      description: `Nomad servers of cluster ${cluster.clusterName}`,
      allowAllOutbound: true,
    });
    // Raft RPC and Serf gossip between servers only; clients' RPC and the load balancer are added by the cluster.
    this.securityGroup.addIngressRule(this.securityGroup, ec2.Port.tcp(NomadPorts.RPC), 'Nomad RPC between servers');
    this.securityGroup.addIngressRule(
      this.securityGroup,
      ec2.Port.tcp(NomadPorts.SERF),
      'Nomad Serf (tcp) between servers',
    );
    this.securityGroup.addIngressRule(
      this.securityGroup,
      ec2.Port.udp(NomadPorts.SERF),
      'Nomad Serf (udp) between servers',
    );
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: ec2.Port.tcp(NomadPorts.HTTP),
    });

    const boot = cluster.artifacts.forNodes(
      { architecture: instanceType.architecture, nomad: cluster.version.version },
      this.node.path,
    );
    const group = createNodeGroup(this, {
      vpc: cluster.vpc,
      subnets,
      clusterName: cluster.clusterName,
      nodeRole: 'server',
      instanceTypes: [instanceType],
      architecture: instanceType.architecture,
      securityGroups: [this.securityGroup],
      role: props.role,
      rootVolumeSize: props.volumeSize ?? Size.gibibytes(50),
      metadataHopLimit: 1,
      description: `Nomad server of cluster ${cluster.clusterName}`,
      environment: {
        NOMAD_ROLE: 'server',
        NOMAD_VERSION: cluster.version.version,
        ...boot.environment,
        ...cluster.nodeEnvironment('server'),
        // Servers publish the workload identity issuer's documents (nomad-oidc-publish.timer).
        ...(cluster.workloadIdentity === undefined
          ? {}
          : {
              NOMAD_OIDC_ISSUER: cluster.workloadIdentity.issuerUrl,
              NOMAD_OIDC_BUCKET: cluster.workloadIdentity.bucket.bucketName,
            }),
      },
      files: [
        ...cluster.nodeFiles(),
        {
          path: '/etc/nomad.d/nomad.hcl',
          content: renderAgentConfig(this.agentConfig(cluster)).replace(
            OIDC_ISSUER_PLACEHOLDER,
            cluster.workloadIdentity?.issuerUrl ?? OIDC_ISSUER_PLACEHOLDER,
          ),
          mode: '0640',
        },
        {
          path: '/etc/nomad-bootstrap/cloudwatch-agent.json',
          content: cluster.stack.toJsonString(
            cloudWatchAgentConfig({
              role: 'server',
              clusterName: cluster.clusterName,
              nomadLogGroup: cluster.logGroup,
              metricsLogGroup: cluster.metricsLogGroup,
            }),
          ),
          mode: '0600',
        },
        {
          path: '/etc/nomad-bootstrap/prometheus.yaml',
          content: prometheusScrapeConfig({ role: 'server', clusterName: cluster.clusterName }),
          mode: '0644',
        },
      ],
      bootstrapScript: cluster.bootScript,
      logGroups: [cluster.logGroup, cluster.metricsLogGroup],
      // One extra slot, used only during a rolling update to launch a server before one is terminated.
      minCapacity: this.count,
      maxCapacity: this.count + 1,
      azCapacityDistributionStrategy: autoscaling.CapacityDistributionStrategy.BALANCED_ONLY,
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: this.count,
        waitOnResourceSignals: true,
        pauseTime: Duration.minutes(20),
      }),
      signalTimeout: Duration.minutes(20),
      tags: { [ROLE_TAG]: 'server', [SERVER_JOIN_TAG]: cluster.clusterName },
    });
    this.autoScalingGroup = group.autoScalingGroup;
    this.launchTemplate = group.launchTemplate;
    this.role = group.role;
    this.grantPrincipal = group.role;
    // Servers read their TLS material, the gossip key and their readiness token at boot: these
    // exist before the first server starts (and new certificates before a rolling replacement).
    cluster.secrets.grantServerMaterial(this.role);
    cluster.artifacts.attach(group, boot.artifacts);
    cluster.workloadIdentity?.grantPublish(this.role);
    this.autoScalingGroup.node.addDependency(cluster.secrets.keyMaterial);
  }

  /** Servers in service in the Auto Scaling group (fewer than `count` means one is being replaced or failed). */
  public metricInServiceServers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/AutoScaling',
      metricName: 'GroupInServiceInstances',
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
      ...props,
    });
  }

  /** CPU in use on the servers, percent (CloudWatch agent, averaged over the servers). */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instanceMetric(INSTANCE_METRICS.cpuUtilization, props);
  }

  /** Memory in use on the servers, percent. */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instanceMetric(INSTANCE_METRICS.memoryUtilization, props);
  }

  /** Root volume (raft data) in use on the servers, percent. */
  public metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instanceMetric(INSTANCE_METRICS.diskUtilization, { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  private instanceMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: INSTANCE_NAMESPACE,
      metricName,
      dimensionsMap: { AutoScalingGroupName: this.autoScalingGroup.autoScalingGroupName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(5),
      ...props,
    });
  }

  private agentConfig(cluster: ClusterNodeContext): NomadAgentConfig {
    return {
      ...cluster.agentDefaults(),
      // A server that leaves on SIGINT (a reboot, a restart of the unit) shrinks raft to two voters
      // until it rejoins; a terminated server is removed by autopilot once its replacement is a voter.
      leaveOnInterrupt: false,
      leaveOnTerminate: false,
      server: {
        enabled: true,
        bootstrapExpect: this.count,
        serverJoin: { retryJoin: [cluster.serverJoin], retryInterval: '15s' },
        oidcIssuer: cluster.workloadIdentity === undefined ? undefined : OIDC_ISSUER_PLACEHOLDER,
        // Clients without an introduction token are logged and counted, not refused: see "Client
        // introduction" in the README for why this cluster does not use "strict".
        clientIntroduction: { enforcement: 'warn' },
      },
      // Community-edition autopilot with HashiCorp's recommended values: dead servers are removed
      // as soon as a replacement joins, so a rolling replacement never leaves stale voters behind.
      autopilot: {
        cleanupDeadServers: true,
        lastContactThreshold: '200ms',
        maxTrailingLogs: 250,
        serverStabilizationTime: '10s',
      },
      ui: { enabled: true },
    };
  }
}
