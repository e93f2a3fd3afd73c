import { Aws, CfnOutput, Names, RemovalPolicy, type Size, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import type { NomadAgentConfig } from '../agent/agent-config';
import { bootstrapScriptPath } from '../boot/node-user-data';
import { NomadError } from '../errors';
import { NOMAD_LOG_FILE } from '../observability/cloudwatch-agent-config';
import { addInterfaceEndpoints, createClusterVpc, type InterfaceEndpoint } from './cluster-vpc';
import { CLUSTER_TAG, SERVER_JOIN_TAG } from './node-group';
import { NomadClientPool, type NomadClientPoolOptions } from './nomad-client-pool';
import { checkName, type INomadCluster, type NomadClusterAttributes, NomadClusterBase } from './nomad-cluster-base';
import { NomadPorts } from './nomad-ports';
import { NomadServers } from './nomad-servers';
import { NomadUi, type NomadUiOptions } from './nomad-ui';
import { NomadVersion } from './nomad-version';

/** Props of {@link NomadCluster}. Everything is optional: `new NomadCluster(stack, 'Nomad')` is a working cluster. */
export interface NomadClusterProps {
  /**
   * The VPC to run in. Servers and clients go to its private subnets with egress (they download
   * Nomad at boot).
   *
   * @default - a new VPC over 3 Availability Zones (also in environment-agnostic stacks) with public
   *   and private subnets, `natGateways` NAT gateways, an S3 gateway endpoint and flow logs
   */
  readonly vpc?: ec2.IVpc;
  /**
   * NAT gateways of the new VPC: 1 is cheapest, one per zone (3) survives a zone outage.
   * Only for the VPC the cluster creates.
   *
   * @default 1
   */
  readonly natGateways?: number;
  /**
   * Interface endpoints to create in the VPC, so this traffic stays off the NAT gateways. Each costs
   * money per Availability Zone, hence opt-in. (The free S3 gateway endpoint is always created in a new VPC.)
   *
   * @default - none
   */
  readonly interfaceEndpoints?: InterfaceEndpoint[];
  /**
   * The cluster name: tags (cloud auto-join finds the servers by it), log stream metadata and the
   * `NomadCluster` metric dimension. Letters, digits, `-` and `_`.
   *
   * @default - a name derived from the construct path, unique in the app
   */
  readonly clusterName?: string;
  /**
   * The Nomad release installed on every node. Changing it rolls servers, then clients.
   *
   * @default NomadVersion.DEFAULT
   */
  readonly version?: NomadVersion;
  /**
   * The Nomad region name.
   *
   * @default 'global'
   * @see https://developer.hashicorp.com/nomad/docs/configuration#region
   */
  readonly region?: string;
  /**
   * The Nomad datacenter of every node.
   *
   * @default 'dc1'
   * @see https://developer.hashicorp.com/nomad/docs/configuration#datacenter
   */
  readonly datacenter?: string;
  /**
   * How many servers: 3, 5 or 7.
   *
   * @default 3
   */
  readonly serverCount?: number;
  /**
   * The servers' instance type.
   *
   * @default m7i.large
   */
  readonly serverInstanceType?: ec2.InstanceType;
  /**
   * The servers' root volume (raft data), encrypted gp3.
   *
   * @default 50 GiB
   */
  readonly serverVolumeSize?: Size;
  /**
   * Where the servers run (private subnets only).
   *
   * @default - the private subnets with egress
   */
  readonly serverSubnets?: ec2.SubnetSelection;
  /**
   * The servers' instance role.
   *
   * @default - a new role
   */
  readonly serverRole?: iam.IRole;
  /**
   * An HTTPS load balancer for the UI and API.
   *
   * @default - none: reach the API through Session Manager port forwarding (see the `CliEnvironment` output)
   */
  readonly ui?: NomadUiOptions;
  /**
   * How long logs are kept (Nomad, containers, Nomad metrics events, VPC flow logs).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * ECR repositories the clients pull images from (more with `addImageRepository`).
   *
   * @default - none: clients pull public images only
   */
  readonly imageRepositories?: ecr.IRepository[];
  /**
   * A bucket the clients (their tasks, through the instance role) read and write.
   *
   * @default - none
   */
  readonly dataBucket?: s3.IBucket;
}

/**
 * A production Nomad cluster: 3, 5 or 7 servers spread over three Availability Zones, client pools
 * added with {@link addClientPool}, an optional HTTPS UI, least-privilege IAM, Nomad and container
 * logs in CloudWatch Logs and Nomad's key metrics in CloudWatch.
 *
 * Nomad has no IAM authentication: access to the API is by network (security groups, the UI's
 * allowed networks) and, once enabled, by ACL token.
 */
export class NomadCluster extends NomadClusterBase {
  /**
   * A cluster defined elsewhere (another stack or app), to open its API to something with
   * `connections` or to alarm on its metrics. Client pools can only be added to a `NomadCluster`.
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: NomadClusterAttributes): INomadCluster {
    checkName(attrs.clusterName, `${scope.node.path}/${id}.clusterName`, 48);
    class Imported extends NomadClusterBase {
      public readonly clusterName = attrs.clusterName;
      public readonly apiUrl = attrs.apiUrl;
      public readonly connections = new ec2.Connections({
        securityGroups: [attrs.serverSecurityGroup],
        defaultPort: ec2.Port.tcp(NomadPorts.HTTP),
      });
    }
    return new Imported(scope, id);
  }

  /** The VPC the cluster runs in. */
  public readonly vpc: ec2.IVpc;
  /** The cluster name (tags, metric dimension). */
  public readonly clusterName: string;
  /** The Nomad release on every node. */
  public readonly version: NomadVersion;
  /** The Nomad region name. */
  public readonly nomadRegion: string;
  /** The Nomad datacenter name. */
  public readonly datacenter: string;
  /** The servers. */
  public readonly servers: NomadServers;
  /** The HTTPS load balancer, when `ui` is set. */
  public readonly ui?: NomadUi;
  /** Nomad agent logs of every node (one stream per instance). */
  public readonly logGroup: logs.ILogGroup;
  /** Container stdout/stderr of the clients (Docker's json-file logs, one stream per instance). */
  public readonly containerLogGroup: logs.ILogGroup;
  /** The embedded-metric-format events the CloudWatch agent writes Nomad's metrics as. */
  public readonly metricsLogGroup: logs.ILogGroup;
  /**
   * The Nomad API address (`NOMAD_ADDR`): the UI URL, or the local end of a Session Manager port
   * forward when there is no UI.
   */
  public readonly apiUrl: string;
  /** Connections to the servers' HTTP API (port 4646). */
  public readonly connections: ec2.Connections;
  /** The stack the cluster is in. */
  public readonly stack: Stack;

  /** @internal The boot script, a file asset every node downloads. */
  public readonly _bootstrapScript: s3assets.Asset;
  /** @internal The security group all clients share (task-to-task traffic). */
  public readonly _clientSecurityGroup: ec2.ISecurityGroup;
  /** @internal The cloud auto-join string that finds this cluster's servers. */
  public readonly _serverJoin: string;

  private readonly clientPools: NomadClientPool[] = [];
  private readonly imageRepositories: ecr.IRepository[] = [];
  private readonly dataBucket?: s3.IBucket;

  public constructor(scope: Construct, id: string, props: NomadClusterProps = {}) {
    super(scope, id);
    this.stack = Stack.of(this);
    const path = this.node.path;
    this.clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 48, separator: '-' });
    this.nomadRegion = props.region ?? 'global';
    this.datacenter = props.datacenter ?? 'dc1';
    checkName(this.clusterName, `${path}.clusterName`, 48);
    checkName(this.nomadRegion, `${path}.region`, 128);
    checkName(this.datacenter, `${path}.datacenter`, 128);
    this.version = props.version ?? NomadVersion.DEFAULT;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    if (props.vpc !== undefined && props.natGateways !== undefined) {
      throw new NomadError(
        'INVALID_PROP',
        `${path}.natGateways`,
        'expected natGateways only when the cluster creates its VPC, received it with vpc. Remove natGateways, or remove vpc.',
      );
    }
    this.vpc =
      props.vpc ??
      createClusterVpc(this, 'Vpc', { natGateways: props.natGateways ?? 1, logRetention, path: `${path}.natGateways` });
    addInterfaceEndpoints(this.vpc, props.interfaceEndpoints ?? []);

    const logGroup = (logId: string) =>
      new logs.LogGroup(this, logId, { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.logGroup = logGroup('NomadLogs');
    this.containerLogGroup = logGroup('ContainerLogs');
    this.metricsLogGroup = logGroup('MetricsEvents');
    this._bootstrapScript = new s3assets.Asset(this, 'BootstrapScript', { path: bootstrapScriptPath() });
    this._serverJoin = `provider=aws tag_key=${SERVER_JOIN_TAG} tag_value=${this.clusterName} addr_type=private_v4`;
    this.imageRepositories.push(...(props.imageRepositories ?? []));
    this.dataBucket = props.dataBucket;

    this.servers = new NomadServers(this, 'Servers', {
      cluster: this,
      count: props.serverCount,
      instanceType: props.serverInstanceType,
      volumeSize: props.serverVolumeSize,
      subnets: props.serverSubnets,
      role: props.serverRole,
    });
    this.connections = this.servers.connections;

    const clients = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: this.vpc,
      description: `Nomad clients of cluster ${this.clusterName}: task-to-task traffic`,
      allowAllOutbound: true,
    });
    clients.addIngressRule(clients, NomadPorts.dynamicTcp(), 'Nomad task ports (tcp) between clients');
    clients.addIngressRule(clients, NomadPorts.dynamicUdp(), 'Nomad task ports (udp) between clients');
    this.servers.connections.allowFrom(clients, ec2.Port.tcp(NomadPorts.RPC), 'Nomad RPC from clients');
    this._clientSecurityGroup = clients;

    if (props.ui !== undefined) {
      this.ui = new NomadUi(this, 'Ui', { ...props.ui, vpc: this.vpc, servers: this.servers });
    }
    this.apiUrl = this.ui?.url ?? `http://127.0.0.1:${NomadPorts.HTTP}`;
    this.addOutputs();
  }

  /** The client pools, in the order they were added. */
  public get pools(): readonly NomadClientPool[] {
    return [...this.clientPools];
  }

  /**
   * Adds an Auto Scaling group of Nomad clients registered in one node pool.
   *
   * @param id - the construct id, and the node pool name unless `nodePool` is set
   */
  public addClientPool(id: string, options: NomadClientPoolOptions = {}): NomadClientPool {
    return new NomadClientPool(this, id, { ...options, cluster: this });
  }

  /** Lets every client pool (present and future) pull images from an ECR repository. */
  public addImageRepository(repository: ecr.IRepository): void {
    this.imageRepositories.push(repository);
    for (const pool of this.clientPools) {
      repository.grantPull(pool);
    }
  }

  /**
   * Lets a principal open Session Manager sessions (shell and port forwarding) on the cluster's
   * instances, e.g. to reach the API of a cluster without a UI.
   */
  public grantSessionManagerAccess(grantee: iam.IGrantable): iam.Grant {
    const instances = this.stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' });
    const startOnInstances = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:StartSession'],
      resourceArns: [instances],
      conditions: { StringEquals: { [`ssm:resourceTag/${CLUSTER_TAG}`]: this.clusterName } },
    });
    const documents = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:StartSession'],
      resourceArns: [
        this.stack.formatArn({
          service: 'ssm',
          account: '',
          resource: 'document',
          resourceName: 'AWS-StartPortForwardingSession',
        }),
        this.stack.formatArn({ service: 'ssm', resource: 'document', resourceName: 'SSM-SessionManagerRunShell' }),
      ],
    });
    const ownSessions = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:ResumeSession', 'ssm:TerminateSession'],
      resourceArns: [this.stack.formatArn({ service: 'ssm', resource: 'session', resourceName: '${aws:userid}-*' })],
    });
    return startOnInstances.combine(documents).combine(ownSessions);
  }

  /** Servers in service (see {@link NomadServers.metricInServiceServers}). */
  public metricInServiceServers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.servers.metricInServiceServers(props);
  }

  /** @internal Called by each new pool: grants what every client needs from the cluster. */
  public _registerClientPool(pool: NomadClientPool): void {
    this.clientPools.push(pool);
    for (const repository of this.imageRepositories) {
      repository.grantPull(pool);
    }
    if (this.dataBucket !== undefined) {
      grantDataBucket(this.dataBucket, pool);
    }
  }

  /** @internal The agent settings servers and clients share. */
  public _commonAgentConfig(): Omit<NomadAgentConfig, 'server' | 'client'> {
    return {
      region: this.nomadRegion,
      datacenter: this.datacenter,
      dataDir: '/opt/nomad/data',
      bindAddr: '0.0.0.0',
      logLevel: 'INFO',
      logFile: NOMAD_LOG_FILE,
      logRotateBytes: 100 * 1024 * 1024,
      logRotateMaxFiles: 5,
      // Instances never come back once terminated: leave the cluster instead of being missed.
      leaveOnInterrupt: true,
      leaveOnTerminate: true,
      disableUpdateCheck: true,
      telemetry: {
        collectionInterval: '10s',
        disableHostname: true,
        prometheusMetrics: true,
        publishAllocationMetrics: true,
        publishNodeMetrics: true,
      },
    };
  }

  private addOutputs(): void {
    if (this.ui !== undefined) {
      new CfnOutput(this, 'UiUrl', { description: 'The Nomad UI', value: `${this.ui.url}/ui/` });
      new CfnOutput(this, 'NomadAddr', { description: 'NOMAD_ADDR for the nomad CLI', value: this.ui.url });
      new CfnOutput(this, 'CliEnvironment', {
        description: 'Paste into a shell to point the nomad CLI at this cluster',
        value: `export NOMAD_ADDR=${this.ui.url}`,
      });
      return;
    }
    new CfnOutput(this, 'NomadAddr', {
      description: 'NOMAD_ADDR for the nomad CLI, once the port forward of CliEnvironment runs',
      value: this.apiUrl,
    });
    // Without a load balancer the API is reached through a Session Manager port forward to a server.
    new CfnOutput(this, 'CliEnvironment', {
      description: 'Run in a shell with AWS credentials (and the Session Manager plugin) to reach the API on localhost',
      value: [
        `SERVER=$(aws ec2 describe-instances --region ${Aws.REGION}`,
        ` --filters Name=tag:${SERVER_JOIN_TAG},Values=${this.clusterName} Name=instance-state-name,Values=running`,
        " --query 'Reservations[0].Instances[0].InstanceId' --output text)",
        ` && (aws ssm start-session --region ${Aws.REGION} --target "$SERVER" --document-name AWS-StartPortForwardingSession`,
        ` --parameters portNumber=${NomadPorts.HTTP},localPortNumber=${NomadPorts.HTTP} &)`,
        ` && export NOMAD_ADDR=${this.apiUrl}`,
      ].join(''),
    });
  }
}

/** Exactly the S3 actions a data bucket needs, not the `s3:*Object*` wildcards of `grantReadWrite`. */
function grantDataBucket(bucket: s3.IBucket, grantee: iam.IGrantable): void {
  iam.Grant.addToPrincipalOrResource({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [bucket.bucketArn],
    resource: bucket,
  });
  iam.Grant.addToPrincipalOrResource({
    grantee,
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    resourceArns: [bucket.arnForObjects('*')],
    resource: bucket,
  });
  bucket.encryptionKey?.grantEncryptDecrypt(grantee);
}
