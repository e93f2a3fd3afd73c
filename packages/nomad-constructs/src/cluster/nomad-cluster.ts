import { createHash } from 'node:crypto';
import { Aws, Duration, Fn, Lazy, Names, RemovalPolicy, type Size, Stack, Tags, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import type { NomadAgentConfig } from '../agent/agent-config';
import { NomadArtifacts, type NomadArtifactsOptions } from '../artifacts/nomad-artifacts';
import { GOSSIP_CONFIG_FILE, LOCAL_NOMAD_ADDR, TLS_CA_FILE, TLS_CERT_FILE, TLS_KEY_FILE } from '../boot/node-files';
import { bootstrapScriptPath, type UserDataFile } from '../boot/node-user-data';
import { NomadError } from '../errors';
import { NOMAD_LOG_FILE } from '../observability/cloudwatch-agent-config';
import { INSTANCE_NAMESPACE } from '../observability/nomad-metrics';
import { NomadMonitoring, type NomadMonitoringOptions } from '../observability/nomad-monitoring';
import { addStableOutput } from '../outputs/stable-output';
import { NomadAcl } from '../security/nomad-acl';
import { NomadCertificateRenewal, renewBeforeOf } from '../security/nomad-certificate-renewal';
import { createClusterKey, grantSecretRead, NomadClusterSecrets } from '../security/nomad-cluster-secrets';
import {
  NomadWorkloadIdentity,
  type NomadWorkloadIdentityOptions,
  type WorkloadRoleOptions,
} from '../security/nomad-workload-identity';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import type { ClusterFunctionProps } from './cluster-function-props';
import type { ClusterNodeContext } from './cluster-node-context';
import { addInterfaceEndpoints, createClusterVpc, type InterfaceEndpoint } from './cluster-vpc';
import { CLUSTER_TAG, SERVER_JOIN_TAG } from './node-group';
import { NomadClientPool, type NomadClientPoolOptions } from './nomad-client-pool';
import { checkName, type INomadCluster, type NomadClusterAttributes, NomadClusterBase } from './nomad-cluster-base';
import { NomadNodeDrain } from './nomad-node-drain';
import { NomadPorts } from './nomad-ports';
import { checkPrivateSubnets, NomadServers } from './nomad-servers';
import { type NomadSnapshotOptions, NomadSnapshots } from './nomad-snapshots';
import { NomadUi, type NomadUiOptions } from './nomad-ui';
import { NomadVersion } from './nomad-version';

/** Props of {@link NomadCluster}. Everything is optional: `new NomadCluster(stack, 'Nomad')` is a working cluster. */
export interface NomadClusterProps {
  /**
   * The VPC to run in. Servers and clients go to its private subnets with egress (they reach AWS's
   * APIs and package repositories at boot; the artifact staging function downloads releases at deploy time).
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
   * How the new VPC's private subnets reach the internet, e.g.
   * `ec2.NatProvider.instanceV2({ instanceType: new ec2.InstanceType('t4g.nano'), associatePublicIpAddress: true })`
   * for a NAT instance (a t4g.nano with its address costs about $7 a month against $37 for a NAT
   * gateway with its address, without the gateway's per-GB charge, but it is one instance that EC2
   * recovers rather than a managed service). NAT instances get IMDSv2 only and an encrypted gp3 root
   * volume. Only for the VPC the cluster creates; `natGateways` says how many.
   *
   * @default - NAT gateways
   */
  readonly natGatewayProvider?: ec2.NatProvider;
  /**
   * The Availability Zones of the VPC the cluster creates: 2 or 3 zone names. Needed in an
   * environment-agnostic stack that deploys to a region where the account sees only two zones (the
   * VPC otherwise takes the first three at deploy time). Only for the VPC the cluster creates.
   *
   * @default - three zones: looked up for a stack with account and region, the first three of the region otherwise
   */
  readonly availabilityZones?: string[];
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
   * A bucket the clients' instance role reads and writes: the client agents and host-network tasks.
   * Tasks on bridge networks cannot reach the instance role: give them a role of their own with
   * `workloadIdentity` and `addWorkloadRole()`.
   *
   * @default - none
   */
  readonly dataBucket?: s3.IBucket;
  /**
   * Creates an ACL policy that reads everything and changes nothing (`nomad-constructs-ui-read-only`),
   * and a token for it in Secrets Manager (`cluster.grantUiToken()`): for people who watch the UI.
   *
   * @default false
   */
  readonly uiReadOnlyToken?: boolean;
  /**
   * How long the cluster CA is valid. It is created once, on the first deploy, and then kept: changing
   * this prop later does not replace it (see "Rotating the CA" in the README).
   *
   * @default Duration.days(3650)
   */
  readonly caValidity?: Duration;
  /**
   * How long the servers' and clients' certificates are valid. They are issued on every deploy that
   * changes the nodes and renewed every day once they have less than `certificateRenewBefore` left;
   * running nodes install a renewed certificate within the hour and reload Nomad (SIGHUP).
   *
   * @default Duration.days(365)
   */
  readonly certificateValidity?: Duration;
  /**
   * How long before expiry the node certificates are renewed: the overlap during which the old and
   * the new certificate are both valid (under the same CA), so nodes that have not installed the new
   * one yet keep talking to those that have. The `CertificateExpiry` alarm fires two days after a
   * renewal should have happened.
   *
   * @default - 30 days, or a third of certificateValidity when that is shorter
   */
  readonly certificateRenewBefore?: Duration;
  /**
   * Bump it to issue new server and client certificates and replace every node, one at a time (a step
   * of a CA rotation, or a certificate renewal without another change).
   *
   * @default 0
   */
  readonly tlsGeneration?: number;
  /**
   * Bump it to run the ACL resource again: after all servers were lost and replaced, it bootstraps
   * the rebuilt cluster with the stored management secret and recreates the policies and tokens
   * (see "Backups and restore" in the README).
   *
   * @default 0
   */
  readonly aclGeneration?: number;
  /**
   * CloudWatch monitoring: a dashboard, and alarms with a runbook each that notify an SNS topic (see
   * {@link NomadMonitoring}). `false` turns it off.
   *
   * @default - on: a dashboard, the alarms, and a new encrypted topic without subscriber
   */
  readonly monitoring?: NomadMonitoringOptions | false;
  /**
   * Scheduled snapshots of the cluster state (`nomad operator snapshot save`) to an encrypted bucket
   * of the cluster, expired after their retention (see "Backups and restore" in the README), e.g.
   * `snapshots: {}` for every 6 hours, kept 30 days.
   *
   * @default - none
   */
  readonly snapshots?: NomadSnapshotOptions;
  /**
   * The bucket the release files the nodes install (Nomad, the CNI plugins, the NVIDIA device
   * plugin) are staged in at deploy time, so that boots do not depend on HashiCorp's or GitHub's
   * servers (see "Boot without the internet" in the README).
   *
   * @default - a bucket without server access logs
   */
  readonly artifacts?: NomadArtifactsOptions;
  /**
   * AWS credentials for tasks through Nomad workload identity (`cluster.addWorkloadRole()`): an IAM
   * OIDC provider trusting the cluster's Nomad as issuer, whose discovery document and keys the
   * servers publish through CloudFront (see "AWS credentials for tasks" in the README), e.g.
   * `workloadIdentity: {}`. Tasks never get the instance role: the clients' metadata service is out
   * of their reach either way.
   *
   * @default - none: tasks have no AWS credentials
   */
  readonly workloadIdentity?: NomadWorkloadIdentityOptions;
}

/**
 * A production Nomad cluster: 3, 5 or 7 servers spread over three Availability Zones, client pools
 * added with {@link addClientPool}, an optional HTTPS UI, least-privilege IAM, Nomad and container
 * logs in CloudWatch Logs and Nomad's key metrics in CloudWatch.
 *
 * Secure by default: ACLs bootstrapped automatically (the management token in Secrets Manager,
 * anonymous requests denied), mutual TLS between agents and TLS on the HTTP API (the load balancer
 * re-encrypts), gossip encryption, and key material generated at deploy time and kept in Secrets
 * Manager, encrypted with the cluster's KMS key. Nomad has no IAM authentication: access to the API
 * is by network (security groups, the UI's allowed networks) and by ACL token.
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
  /** How long the cluster's log groups keep events. */
  public readonly logRetention: logs.RetentionDays;
  /** The servers. */
  public readonly servers: NomadServers;
  /** The HTTPS load balancer, when `ui` is set. */
  public readonly ui?: NomadUi;
  /** The KMS key of the cluster's secrets and log groups (rotated yearly, retained). */
  public readonly encryptionKey: kms.IKey;
  /** The cluster's secrets (CA, certificates, gossip key, tokens) and the custom resource that fills them in. */
  public readonly secrets: NomadClusterSecrets;
  /** The ACL bootstrap, policies and tokens. */
  public readonly acl: NomadAcl;
  /** The daily renewal of the node certificates. */
  public readonly certificateRenewal: NomadCertificateRenewal;
  /** Drains clients before their instances terminate (scale-in, replacement, Spot interruption). */
  public readonly nodeDrain: NomadNodeDrain;
  /** The release files the nodes install, staged in a bucket of the cluster at deploy time. */
  public readonly artifacts: NomadArtifacts;
  /** Scheduled snapshots of the cluster state, when `snapshots` is set. */
  public readonly snapshots?: NomadSnapshots;
  /** The workload identity issuer and OIDC provider, when `workloadIdentity` is set. */
  public readonly workloadIdentity?: NomadWorkloadIdentity;
  /** The CloudWatch dashboard, alarms and alarm topic, unless `monitoring` is `false`. */
  public readonly monitoring?: NomadMonitoring;
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

  /**
   * What the servers and the client pools take from the cluster (see {@link ClusterNodeContext}),
   * built once. For constructs that add nodes or functions to the cluster; apps do not need it.
   */
  public readonly nodeContext: ClusterNodeContext<NomadClientPool>;

  /** The security group all clients share (task-to-task traffic). */
  private readonly clientSecurityGroup: ec2.ISecurityGroup;
  /** Bumped to replace every node with new certificates. */
  private readonly tlsGeneration: number;

  private readonly clientPools: NomadClientPool[] = [];
  /** The launch templates of the servers and every pool: their user data decides when certificates are re-issued. */
  private readonly launchTemplates: ec2.LaunchTemplate[] = [];
  private readonly pullRepositories: ecr.IRepository[] = [];
  private readonly dataBucket?: s3.IBucket;

  public constructor(scope: Construct, id: string, props: NomadClusterProps = {}) {
    super(scope, id);
    this.stack = Stack.of(this);
    const path = this.node.path;
    this.clusterName = props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 48, separator: '-' });
    this.nomadRegion = props.region ?? 'global';
    this.datacenter = props.datacenter ?? 'dc1';
    checkName(this.clusterName, `${path}.clusterName`, 48);
    requireSynthTimeValues(path, {
      serverCount: [props.serverCount, "it is the servers' bootstrap_expect and the size of their Auto Scaling group"],
      natGateways: [props.natGateways, 'it decides how many NAT gateways and routes the VPC gets'],
      caValidity: [
        props.caValidity,
        'it is checked against the certificate validity and passed to the key-material resource',
      ],
      certificateValidity: [props.certificateValidity, 'it is checked against the CA validity and the renewal window'],
      certificateRenewBefore: [props.certificateRenewBefore, 'it is checked against the certificate validity'],
      tlsGeneration: [
        props.tlsGeneration,
        "it is part of the nodes' user data digest that decides when certificates are issued anew",
      ],
      aclGeneration: [props.aclGeneration, 'it is compared with the previous deploy to re-run the ACL bootstrap'],
    });
    checkName(this.nomadRegion, `${path}.region`, 128);
    checkName(this.datacenter, `${path}.datacenter`, 128);
    this.version = props.version ?? NomadVersion.DEFAULT;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.logRetention = logRetention;
    const caValidity = props.caValidity ?? Duration.days(3650);
    const certificateValidity = props.certificateValidity ?? Duration.days(365);
    validateValidity(caValidity, certificateValidity, path);
    this.tlsGeneration = props.tlsGeneration ?? 0;
    if (!Number.isInteger(this.tlsGeneration) || this.tlsGeneration < 0) {
      throw new NomadError(
        'invalid-prop',
        `${path}.tlsGeneration`,
        `expected a whole number >= 0, received ${this.tlsGeneration}. Bump it by one to replace every node with new certificates.`,
      );
    }
    // Every resource of the cluster carries its name: what a deleted stack (or a failed first deploy)
    // leaves behind on purpose is found by this tag (see "What is retained" in the README).
    Tags.of(this).add(CLUSTER_TAG, this.clusterName);
    this.encryptionKey = createClusterKey(this, 'Key', this.clusterName);

    if (props.vpc !== undefined && props.availabilityZones !== undefined) {
      throw new NomadError(
        'invalid-prop',
        `${path}.availabilityZones`,
        'expected availabilityZones only when the cluster creates its VPC, received it with vpc. Remove availabilityZones (the VPC you pass decides the zones), or remove vpc.',
      );
    }
    for (const name of ['natGateways', 'natGatewayProvider'] as const) {
      if (props.vpc !== undefined && props[name] !== undefined) {
        throw new NomadError(
          'invalid-prop',
          `${path}.${name}`,
          `expected ${name} only when the cluster creates its VPC, received it with vpc. Remove ${name}, or remove vpc.`,
        );
      }
    }
    this.vpc =
      props.vpc ??
      createClusterVpc(this, 'Vpc', {
        natGateways: props.natGateways ?? 1,
        natGatewayProvider: props.natGatewayProvider,
        logRetention,
        encryptionKey: this.encryptionKey,
        availabilityZones: props.availabilityZones,
        path: `${path}.natGateways`,
        zonesPath: `${path}.availabilityZones`,
      });
    addInterfaceEndpoints(this.vpc, props.interfaceEndpoints ?? []);

    const logGroup = (logId: string) =>
      new logs.LogGroup(this, logId, {
        retention: logRetention,
        encryptionKey: this.encryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    this.logGroup = logGroup('NomadLogs');
    this.containerLogGroup = logGroup('ContainerLogs');
    this.metricsLogGroup = logGroup('MetricsEvents');
    const bootScript = new s3assets.Asset(this, 'BootstrapScript', { path: bootstrapScriptPath() });
    const serverJoin = `provider=aws tag_key=${SERVER_JOIN_TAG} tag_value=${this.clusterName} addr_type=private_v4`;
    this.pullRepositories.push(...(props.imageRepositories ?? []));
    this.dataBucket = props.dataBucket;

    const serverSubnets = props.serverSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    checkPrivateSubnets(this.vpc, serverSubnets, `${path}.serverSubnets`);
    this.secrets = new NomadClusterSecrets(this, 'Secrets', {
      vpc: this.vpc,
      subnets: serverSubnets,
      clusterName: this.clusterName,
      nomadRegion: this.nomadRegion,
      encryptionKey: this.encryptionKey,
      caValidity,
      certificateValidity,
      logRetention,
      uiReadOnlyToken: props.uiReadOnlyToken ?? false,
      nodeConfiguration: Lazy.string({ produce: () => this.nodeConfigurationHash() }),
    });
    this.certificateRenewal = new NomadCertificateRenewal(this, 'CertificateRenewal', {
      vpc: this.vpc,
      subnets: serverSubnets,
      clusterName: this.clusterName,
      nomadRegion: this.nomadRegion,
      secrets: this.secrets,
      certificateValidity,
      renewBefore: renewBeforeOf(certificateValidity, props.certificateRenewBefore, `${path}.certificateRenewBefore`),
      logRetention,
    });

    if (props.workloadIdentity !== undefined) {
      this.workloadIdentity = new NomadWorkloadIdentity(this, 'WorkloadIdentity', {
        ...props.workloadIdentity,
        nomadRegion: this.nomadRegion,
      });
    }
    this.artifacts = new NomadArtifacts(this, 'Artifacts', {
      ...props.artifacts,
      vpc: this.vpc,
      subnets: serverSubnets,
      clusterName: this.clusterName,
      encryptionKey: this.encryptionKey,
      logRetention,
    });

    const cluster = this;
    this.nodeContext = {
      clusterPath: path,
      clusterName: this.clusterName,
      stack: this.stack,
      vpc: this.vpc,
      version: this.version,
      secrets: this.secrets,
      artifacts: this.artifacts,
      ...(this.workloadIdentity === undefined ? {} : { workloadIdentity: this.workloadIdentity }),
      logGroup: this.logGroup,
      containerLogGroup: this.containerLogGroup,
      metricsLogGroup: this.metricsLogGroup,
      bootScript,
      serverJoin,
      functionSubnets: serverSubnets,
      // Both come after the servers, which do not read them; pools are added once the cluster exists.
      get clientSecurityGroup() {
        return cluster.clientSecurityGroup;
      },
      get aclBootstrap() {
        return cluster.acl.resource;
      },
      agentDefaults: () => this.agentDefaults(),
      nodeEnvironment: (role) => this.nodeEnvironment(role),
      nodeFiles: () => this.nodeFiles(),
      registerClientPool: (pool) => this.registerClientPool(pool),
    };
    this.servers = new NomadServers(this, 'Servers', {
      cluster: this,
      count: props.serverCount,
      instanceType: props.serverInstanceType,
      volumeSize: props.serverVolumeSize,
      subnets: serverSubnets,
      role: props.serverRole,
    });
    this.launchTemplates.push(this.servers.launchTemplate);
    this.connections = this.servers.connections;
    // What the functions that talk to the servers (ACL, node drain, snapshots) share.
    const functionProps: ClusterFunctionProps = {
      vpc: this.vpc,
      subnets: serverSubnets,
      clusterName: this.clusterName,
      nomadRegion: this.nomadRegion,
      servers: this.servers,
      secrets: this.secrets,
      logRetention,
    };
    this.acl = new NomadAcl(this, 'Acl', { ...functionProps, generation: props.aclGeneration });
    this.nodeDrain = new NomadNodeDrain(this, 'NodeDrain', { ...functionProps, acl: this.acl });
    if (props.snapshots !== undefined) {
      this.snapshots = new NomadSnapshots(this, 'Snapshots', { ...props.snapshots, ...functionProps, acl: this.acl });
    }

    const clients = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: this.vpc,
      description: `Nomad clients of cluster ${this.clusterName}: task-to-task traffic`,
      allowAllOutbound: true,
    });
    clients.addIngressRule(clients, NomadPorts.dynamicTcp(), 'Nomad task ports (tcp) between clients');
    clients.addIngressRule(clients, NomadPorts.dynamicUdp(), 'Nomad task ports (udp) between clients');
    this.servers.connections.allowFrom(clients, ec2.Port.tcp(NomadPorts.RPC), 'Nomad RPC from clients');
    this.clientSecurityGroup = clients;

    if (props.ui !== undefined) {
      this.ui = new NomadUi(this, 'Ui', { ...props.ui, vpc: this.vpc, servers: this.servers });
      // Nothing outside the VPC reaches the API before the ACL system is bootstrapped.
      this.ui.listener.node.addDependency(this.acl.resource);
    }
    this.apiUrl = this.ui?.url ?? LOCAL_NOMAD_ADDR;
    this.addOutputs();
    if (props.monitoring !== false) {
      this.monitoring = new NomadMonitoring(this, 'Monitoring', { ...props.monitoring, cluster: this });
      this.certificateRenewal.addExpiryAlarm(this.monitoring);
      this.snapshots?.addFailureAlarm(this.monitoring);
    }
  }

  /** The ECR repositories the client pools may pull from. */
  public get imageRepositories(): readonly ecr.IRepository[] {
    return [...this.pullRepositories];
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

  /**
   * A role that one Nomad workload assumes with its workload identity (requires `workloadIdentity`).
   * The task asks for the token and names the role:
   * `identity { name = "aws" aud = ["sts.amazonaws.com"] file = true ttl = "1h" }` and the env
   * `AWS_ROLE_ARN` = `role.roleArn`, `AWS_WEB_IDENTITY_TOKEN_FILE` = `/secrets/nomad_aws.jwt`
   * (`awsWebIdentity({ roleArn: role.roleArn })` of `@org/jobspec-builder` gives both).
   *
   * @param id - the construct id, under `cluster.workloadIdentity`
   */
  public addWorkloadRole(id: string, options: WorkloadRoleOptions): iam.Role {
    if (this.workloadIdentity === undefined) {
      throw new NomadError(
        'invalid-state',
        `${this.node.path}.addWorkloadRole`,
        'expected a cluster with workloadIdentity, received one without. Set workloadIdentity: {} on the cluster (it publishes the OIDC issuer AWS STS trusts).',
      );
    }
    return this.workloadIdentity.addWorkloadRole(id, options);
  }

  /** Lets every client pool (present and future) pull images from an ECR repository. */
  public addImageRepository(repository: ecr.IRepository): void {
    this.pullRepositories.push(repository);
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

  /**
   * Lets a principal read the management token (`NOMAD_TOKEN`): full control of the cluster. For
   * operators and the CI that deploys jobs; `nomad-constructs env` reads it.
   */
  public grantManagementToken(grantee: iam.IGrantable): iam.Grant {
    return grantSecretRead(this.secrets.managementToken, this.encryptionKey, grantee);
  }

  /** Lets a principal read the cluster CA certificate (`NOMAD_CACERT` for addresses inside the VPC). */
  public grantCaRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretRead(this.secrets.caCertificate, this.encryptionKey, grantee);
  }

  /** Lets a principal read the read-only UI token (requires `uiReadOnlyToken`). */
  public grantUiToken(grantee: iam.IGrantable): iam.Grant {
    if (this.secrets.uiToken === undefined) {
      throw new NomadError(
        'invalid-state',
        `${this.node.path}.grantUiToken`,
        'expected a cluster with uiReadOnlyToken: true, received one without a UI token. Set uiReadOnlyToken on the cluster.',
      );
    }
    return grantSecretRead(this.secrets.uiToken, this.encryptionKey, grantee);
  }

  /** Servers in service (see {@link NomadServers.metricInServiceServers}). */
  public metricInServiceServers(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.servers.metricInServiceServers(props);
  }

  /** Called by each new pool (`nodeContext.registerClientPool`): grants what every client needs from the cluster. */
  private registerClientPool(pool: NomadClientPool): void {
    this.clientPools.push(pool);
    this.launchTemplates.push(pool.launchTemplate);
    this.acl.addNodePool(pool.nodePool);
    this.nodeDrain.addPool(
      { autoScalingGroup: pool.autoScalingGroup, nodePool: pool.nodePool, deadline: pool.drainDeadline },
      `${pool.node.path}.drainDeadline`,
    );
    this.monitoring?.addClientPool(pool);
    for (const repository of this.pullRepositories) {
      repository.grantPull(pool);
    }
    if (this.dataBucket !== undefined) {
      grantDataBucket(this.dataBucket, pool);
    }
  }

  /** The agent settings servers and clients share. */
  private agentDefaults(): Omit<NomadAgentConfig, 'server' | 'client'> {
    return {
      region: this.nomadRegion,
      datacenter: this.datacenter,
      dataDir: '/opt/nomad/data',
      bindAddr: '0.0.0.0',
      logLevel: 'INFO',
      logFile: NOMAD_LOG_FILE,
      logRotateBytes: 100 * 1024 * 1024,
      logRotateMaxFiles: 5,
      // Clients never come back once terminated: leave the cluster instead of being missed (servers
      // override both, see NomadServers).
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
      acl: { enabled: true },
      // Mutual TLS on RPC (each side checks the other's certificate; servers carry server.<region>.nomad),
      // TLS on HTTP without client certificates (the load balancer and browsers have none).
      tls: {
        http: true,
        rpc: true,
        caFile: TLS_CA_FILE,
        certFile: TLS_CERT_FILE,
        keyFile: TLS_KEY_FILE,
        verifyServerHostname: true,
        verifyHttpsClient: false,
        tlsMinVersion: 'tls12',
      },
    };
  }

  /**
   * What the boot script of a server or client needs to fetch its secrets: the secret
   * ARNs and the files the agent configuration names (never the secrets themselves).
   */
  private nodeEnvironment(role: 'server' | 'client'): Record<string, string> {
    const secrets = this.secrets;
    return {
      NOMAD_TLS_SECRET_ARN: (role === 'server' ? secrets.serverTls : secrets.clientTls).secretArn,
      NOMAD_TLS_CA_FILE: TLS_CA_FILE,
      NOMAD_TLS_CERT_FILE: TLS_CERT_FILE,
      NOMAD_TLS_KEY_FILE: TLS_KEY_FILE,
      NOMAD_TOKEN_SECRET_ARN: (role === 'server' ? secrets.serverToken : secrets.clientToken).secretArn,
      ...(role === 'server'
        ? { NOMAD_GOSSIP_SECRET_ARN: secrets.gossipKey.secretArn, NOMAD_GOSSIP_CONFIG_FILE: GOSSIP_CONFIG_FILE }
        : {}),
      NOMAD_TLS_GENERATION: String(this.tlsGeneration),
      // The hourly certificate refresh publishes the days left of the node's certificate.
      NOMAD_CLUSTER_NAME: this.clusterName,
      NOMAD_METRICS_NAMESPACE: INSTANCE_NAMESPACE,
    };
  }

  /** Files every node gets: the environment of the `nomad` CLI for operators in a Session Manager shell. */
  private nodeFiles(): UserDataFile[] {
    return [
      {
        path: '/etc/profile.d/nomad.sh',
        content: `export NOMAD_ADDR=${LOCAL_NOMAD_ADDR}\nexport NOMAD_CACERT=${TLS_CA_FILE}\n`,
        mode: '0644',
      },
    ];
  }

  /** A digest of every node's user data: it changes exactly when some node group rolls. */
  private nodeConfigurationHash(): string {
    const userData = this.launchTemplates.map((template) => template.userData?.render() ?? '');
    return createHash('sha256')
      .update(JSON.stringify(this.stack.resolve(userData)))
      .digest('hex');
  }

  private addOutputs(): void {
    const cliEnv = `eval "$(npx -p @org/nomad-constructs -p @aws-sdk/client-cloudformation -p @aws-sdk/client-secrets-manager nomad-constructs env --stack ${Aws.STACK_NAME} --cluster ${this.clusterName})"`;
    addStableOutput(this, 'ManagementTokenSecretArn', {
      description:
        'Secrets Manager secret holding the Nomad management token (NOMAD_TOKEN); readable after cluster.grantManagementToken()',
      value: this.secrets.managementToken.secretArn,
    });
    addStableOutput(this, 'CaCertificateSecretArn', {
      description:
        'Secrets Manager secret holding the cluster CA certificate (NOMAD_CACERT inside the VPC); readable after cluster.grantCaRead()',
      value: this.secrets.caCertificate.secretArn,
    });
    if (this.secrets.uiToken !== undefined) {
      addStableOutput(this, 'UiTokenSecretArn', {
        description:
          'Secrets Manager secret holding the read-only UI token (JSON, secretId); readable after cluster.grantUiToken()',
        value: this.secrets.uiToken.secretArn,
      });
    }
    // Read by `nomad-constructs env`: where the API is, which certificate it serves, where the secrets are.
    addStableOutput(this, 'EnvConfig', {
      description: 'For `nomad-constructs env` (JSON)',
      value: Fn.join('', [
        '{"clusterName":"',
        this.clusterName,
        '","nomadRegion":"',
        this.nomadRegion,
        '","addr":"',
        this.apiUrl,
        '","addrCertificate":"',
        this.ui === undefined ? 'cluster-ca' : 'load-balancer',
        '","managementTokenSecretArn":"',
        this.secrets.managementToken.secretArn,
        '","caCertificateSecretArn":"',
        this.secrets.caCertificate.secretArn,
        '"}',
      ]),
    });
    if (this.ui !== undefined) {
      addStableOutput(this, 'UiUrl', { description: 'The Nomad UI', value: `${this.ui.url}/ui/` });
      addStableOutput(this, 'NomadAddr', { description: 'NOMAD_ADDR for the nomad CLI', value: this.ui.url });
      addStableOutput(this, 'CliEnvironment', {
        description:
          'Run in a shell with AWS credentials allowed to read the management token: exports NOMAD_ADDR and NOMAD_TOKEN',
        value: cliEnv,
      });
      return;
    }
    addStableOutput(this, 'NomadAddr', {
      description: 'NOMAD_ADDR for the nomad CLI, once the port forward of CliEnvironment runs',
      value: this.apiUrl,
    });
    // Without a load balancer the API is reached through a Session Manager port forward to a server.
    addStableOutput(this, 'CliEnvironment', {
      description:
        'Run in a shell with AWS credentials (and the Session Manager plugin) to reach the API on localhost: exports NOMAD_ADDR, NOMAD_TOKEN and NOMAD_CACERT',
      value: [
        `SERVER=$(aws ec2 describe-instances --region ${Aws.REGION}`,
        ` --filters Name=tag:${SERVER_JOIN_TAG},Values=${this.clusterName} Name=instance-state-name,Values=running`,
        " --query 'Reservations[0].Instances[0].InstanceId' --output text)",
        ` && (aws ssm start-session --region ${Aws.REGION} --target "$SERVER" --document-name AWS-StartPortForwardingSession`,
        ` --parameters portNumber=${NomadPorts.HTTP},localPortNumber=${NomadPorts.HTTP} &)`,
        ` && ${cliEnv}`,
      ].join(''),
    });
  }
}

function validateValidity(caValidity: Duration, certificateValidity: Duration, path: string): void {
  for (const [name, value] of [
    ['caValidity', caValidity],
    ['certificateValidity', certificateValidity],
  ] as const) {
    if (
      Token.isUnresolved(value.toDays({ integral: false })) ||
      !Number.isInteger(value.toDays({ integral: false })) ||
      value.toDays() < 1
    ) {
      throw new NomadError(
        'invalid-prop',
        `${path}.${name}`,
        `expected a whole number of days (at least 1), received ${value.toHumanString()}. Use Duration.days().`,
      );
    }
  }
  if (caValidity.toDays() <= certificateValidity.toDays()) {
    throw new NomadError(
      'invalid-prop',
      `${path}.certificateValidity`,
      `expected certificates valid for less time than the CA (${caValidity.toDays()} days), received ${certificateValidity.toDays()} days. A certificate cannot outlive the CA that signed it.`,
    );
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
