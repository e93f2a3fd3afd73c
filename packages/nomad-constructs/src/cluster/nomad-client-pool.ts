import { Annotations, Aws, Duration, Size, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { NomadAgentConfig, PluginAgentConfig } from '../agent/agent-config';
import { NODE_POOL_NAME } from '../agent/agent-config-spec';
import { renderAgentConfig } from '../agent/render-agent-config';
import { NomadError } from '../errors';
import { cloudWatchAgentConfig, prometheusScrapeConfig } from '../observability/cloudwatch-agent-config';
import {
  CLIENT_METRICS,
  CLUSTER_DIMENSION,
  INSTANCE_METRICS,
  INSTANCE_NAMESPACE,
  NODE_POOL_DIMENSION,
  NOMAD_NAMESPACE,
} from '../observability/nomad-metrics';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import { DEFAULT_VERSIONS } from '../versions';
import type { ClusterNodeContext, ClusterNodeContextProvider } from './cluster-node-context';
import { createNodeGroup, ROLE_TAG } from './node-group';
import { NomadPorts } from './nomad-ports';

/** Where Nomad finds the Docker auth file that maps the cluster's ECR registry to the credential helper. */
export const DOCKER_AUTH_CONFIG_PATH = '/etc/nomad-bootstrap/docker-auth.json';

/**
 * Instance families with NVIDIA GPUs. A GPU pool of another family gets a warning, not an error:
 * AWS adds families faster than this list is updated.
 */
const NVIDIA_GPU_FAMILIES = new Set([
  'p3',
  'p3dn',
  'p4d',
  'p4de',
  'p5',
  'p5e',
  'p5en',
  'g4dn',
  'g5',
  'g5g',
  'g6',
  'g6e',
  'gr6',
]);

/** A directory of the host that jobs mount as a volume. */
export interface NomadHostVolume {
  /** The volume name jobs use (`volume "x" { type = "host" source = "<name>" }`). */
  readonly name: string;
  /** The absolute path on the host; created at boot if missing. */
  readonly path: string;
  /**
   * Whether jobs may only read it.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * Options for {@link NomadCluster.addClientPool}.
 *
 * @see https://developer.hashicorp.com/nomad/docs/configuration/client
 */
export interface NomadClientPoolOptions {
  /**
   * The instance types, most preferred first. All must have the same architecture (arm64 or
   * x86_64), which decides the AMI. Several types give Spot more capacity pools to choose from.
   *
   * @default [m7i.large]
   */
  readonly instanceTypes?: ec2.InstanceType[];
  /**
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * The most instances. Keep it above the instances in service (`desiredCapacity`, or `minCapacity`):
   * a rolling update launches each replacement before it terminates an old instance, in that extra slot.
   *
   * @default - one more than the larger of minCapacity and desiredCapacity
   */
  readonly maxCapacity?: number;
  /**
   * Set it only to force a size on every deploy; scaling (e.g. by the Nomad autoscaler) owns it otherwise.
   *
   * @default - minCapacity at creation, then left alone
   */
  readonly desiredCapacity?: number;
  /**
   * How many instances are always On-Demand.
   *
   * @default 0
   */
  readonly onDemandBaseCapacity?: number;
  /**
   * The share of On-Demand instances above the base, in percent; the rest is Spot. 0 makes a Spot pool.
   *
   * @default 100 (no Spot)
   */
  readonly onDemandPercentageAboveBaseCapacity?: number;
  /**
   * How Spot capacity is chosen.
   *
   * @default SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED
   */
  readonly spotAllocationStrategy?: autoscaling.SpotAllocationStrategy;
  /**
   * The Nomad node pool the clients join; jobs choose it with `node_pool`. Nomad creates a pool
   * the first time a client registers in it.
   *
   * @default - the pool's construct id
   * @see https://developer.hashicorp.com/nomad/docs/concepts/node-pools
   */
  readonly nodePool?: string;
  /**
   * The node class, for constraints (`${node.class}`).
   *
   * @default - none
   */
  readonly nodeClass?: string;
  /**
   * Node metadata, for constraints (`${meta.<key>}`).
   *
   * @default - none
   */
  readonly meta?: Record<string, string>;
  /**
   * Installs the NVIDIA driver, the NVIDIA container toolkit and HashiCorp's `nomad-device-nvidia`
   * plugin, so jobs can request `device "nvidia/gpu"`. Use GPU instance types (g4dn, g5, g6, p4d, ...).
   *
   * @default false
   */
  readonly gpu?: boolean;
  /**
   * Host directories that jobs can mount as `host` volumes.
   *
   * @default - none
   */
  readonly hostVolumes?: NomadHostVolume[];
  /**
   * Size of the encrypted gp3 root volume (images, allocations, logs).
   *
   * @default 100 GiB
   */
  readonly volumeSize?: Size;
  /**
   * Where the clients run.
   *
   * @default - the private subnets with egress of the cluster's VPC
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The clients' instance role; the permissions they need are added to it.
   *
   * @default - a new role
   */
  readonly role?: iam.IRole;
  /**
   * How long allocations may take to leave a client that is going away (scale-in, a rolling update,
   * a rebalance recommendation) before Nomad stops them: the drain deadline. The instance waits in
   * its terminate lifecycle hook until its node is drained, this long at most. A Spot interruption
   * warning drains with at most 90 seconds (the instance goes two minutes after the warning).
   *
   * @default Duration.minutes(10)
   * @see https://developer.hashicorp.com/nomad/docs/commands/node/drain
   */
  readonly drainDeadline?: Duration;
  /**
   * CPU (MHz) and memory kept from the scheduler for what runs beside Nomad on every client: Docker,
   * the CloudWatch and SSM agents, the kernel.
   *
   * @default - 300 MHz and 768 MiB (1 GiB on GPU pools)
   * @see https://developer.hashicorp.com/nomad/docs/configuration/client#reserved-parameters
   */
  readonly reserved?: NomadReservedResources;
}

/** Resources of each client the scheduler does not hand to tasks. */
export interface NomadReservedResources {
  /** @default 300 */
  readonly cpuMhz?: number;
  /** @default 768 (1024 on GPU pools) */
  readonly memoryMiB?: number;
}

/** How Docker keeps each container's log (the Nomad plugin's `logging`, which overrides Docker's daemon.json). */
const DOCKER_LOGGING = {
  type: 'json-file',
  config: {
    'max-size': '50m',
    'max-file': '5',
    // Each line of the container log (and so each CloudWatch event) carries its job, group, task,
    // namespace and allocation: one stream per instance, but every event says whose it is.
    labels:
      'com.hashicorp.nomad.alloc_id,com.hashicorp.nomad.job_name,com.hashicorp.nomad.task_group_name,com.hashicorp.nomad.task_name,com.hashicorp.nomad.namespace',
  },
};

/** Props of {@link NomadClientPool}. */
export interface NomadClientPoolProps extends NomadClientPoolOptions {
  /** The cluster the clients join (a `NomadCluster`: its `nodeContext`). */
  readonly cluster: ClusterNodeContextProvider<NomadClientPool>;
}

/**
 * A pool of Nomad clients: an Auto Scaling group (On-Demand, Spot or both) whose instances run
 * Docker with the ECR credential helper, join the servers by cloud auto-join and register in one
 * Nomad node pool.
 *
 * Task ports (20000-32000) are open to the cluster's other clients only; open them to anything
 * else through `connections` (its default port is that range).
 */
export class NomadClientPool extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The Nomad node pool the clients register in. */
  public readonly nodePool: string;
  /** The Auto Scaling group of the clients. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The clients' launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The clients' instance role. */
  public readonly role: iam.IRole;
  /** This pool's own security group (the cluster-wide client group is attached too). */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** Connections to this pool's tasks; the default port is the dynamic port range (tcp). */
  public readonly connections: ec2.Connections;
  public readonly grantPrincipal: iam.IPrincipal;
  /** Whether the pool runs GPU instances with the NVIDIA device plugin. */
  public readonly gpu: boolean;
  /** The CPU architecture of every instance type of the pool (images for it must be built for it). */
  public readonly architecture: ec2.InstanceArchitecture;
  /** The host volumes jobs can mount on these clients. */
  public readonly hostVolumes: readonly NomadHostVolume[];
  /** How long allocations may take to leave a client that is going away. */
  public readonly drainDeadline: Duration;

  private readonly cluster: ClusterNodeContext<NomadClientPool>;

  public constructor(scope: Construct, id: string, props: NomadClientPoolProps) {
    super(scope, id);
    const cluster = props.cluster.nodeContext;
    this.cluster = cluster;
    const path = this.node.path;
    this.nodePool = props.nodePool ?? id;
    this.gpu = props.gpu ?? false;
    this.drainDeadline = props.drainDeadline ?? Duration.minutes(10);
    validateNodePool(this.nodePool, props.nodePool === undefined, path);
    requireSynthTimeValues(path, {
      minCapacity: [props.minCapacity, "it sets the pool's default maxCapacity and is checked against it"],
      maxCapacity: [props.maxCapacity, 'rolling updates need it above the instances in service, which is checked'],
      desiredCapacity: [props.desiredCapacity, 'it is checked against minCapacity and maxCapacity'],
      onDemandBaseCapacity: [props.onDemandBaseCapacity, 'it is checked against maxCapacity'],
      onDemandPercentageAboveBaseCapacity: [
        props.onDemandPercentageAboveBaseCapacity,
        'it decides whether the pool runs Spot instances (capacity rebalancing, the interruption handling)',
      ],
      drainDeadline: [
        props.drainDeadline,
        "it is the lifecycle hook's timeout and the drain function's deadline, checked against their limits",
      ],
      'reserved.cpuMhz': [props.reserved?.cpuMhz, "it is written into the clients' agent configuration"],
      'reserved.memoryMiB': [props.reserved?.memoryMiB, "it is written into the clients' agent configuration"],
    });

    const instanceTypes = props.instanceTypes ?? [ec2.InstanceType.of(ec2.InstanceClass.M7I, ec2.InstanceSize.LARGE)];
    const architecture = validateInstanceTypes(instanceTypes, path);
    this.architecture = architecture;
    if (this.gpu) {
      const notGpu = instanceTypes.filter((type) => !NVIDIA_GPU_FAMILIES.has(type.toString().split('.')[0] ?? ''));
      if (notGpu.length > 0) {
        Annotations.of(this).addWarningV2(
          '@org/nomad-constructs:gpuInstanceType',
          `gpu is true but ${notGpu.join(', ')} is not a known NVIDIA GPU instance family (${[...NVIDIA_GPU_FAMILIES].join(', ')}): the boot fails if the driver finds no GPU.`,
        );
      }
    }
    const capacity = validateCapacity(props, path);
    const hostVolumes = validateHostVolumes(props.hostVolumes ?? [], path);
    this.hostVolumes = hostVolumes;
    validateMeta(props.meta ?? {}, path);
    validateReserved(props.reserved ?? {}, path);
    const onDemandPercentage = props.onDemandPercentageAboveBaseCapacity ?? 100;
    const spot = onDemandPercentage < 100;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: cluster.vpc,
      description: `Nomad client pool ${this.nodePool} of cluster ${cluster.clusterName}`,
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({
      securityGroups: [this.securityGroup],
      defaultPort: NomadPorts.dynamicTcp(),
    });

    const subnets = props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const boot = cluster.artifacts.forNodes(
      {
        architecture,
        nomad: cluster.version.version,
        cniPlugins: DEFAULT_VERSIONS.cniPlugins,
        nomadDeviceNvidia: this.gpu ? DEFAULT_VERSIONS.nomadDeviceNvidia : undefined,
      },
      path,
    );
    const group = createNodeGroup(this, {
      vpc: cluster.vpc,
      subnets,
      clusterName: cluster.clusterName,
      nodeRole: 'client',
      instanceTypes,
      architecture,
      securityGroups: [this.securityGroup, cluster.clientSecurityGroup],
      role: props.role,
      rootVolumeSize: props.volumeSize ?? Size.gibibytes(100),
      // The instance role reads this client's TLS key and token: a container one hop away gets no
      // IMDSv2 answer, and the boot script also blocks the metadata address from task networks.
      // Tasks get AWS credentials through workload identity (cluster.addWorkloadRole()).
      metadataHopLimit: 1,
      description: `Nomad client of pool ${this.nodePool} in cluster ${cluster.clusterName}`,
      environment: {
        NOMAD_ROLE: 'client',
        NOMAD_VERSION: cluster.version.version,
        CNI_PLUGINS_VERSION: DEFAULT_VERSIONS.cniPlugins,
        NOMAD_GPU: String(this.gpu),
        NOMAD_DEVICE_NVIDIA_VERSION: DEFAULT_VERSIONS.nomadDeviceNvidia,
        NOMAD_HOST_VOLUME_PATHS: hostVolumes.map((volume) => volume.path).join(' '),
        ...boot.environment,
        ...cluster.nodeEnvironment('client'),
      },
      files: [
        ...cluster.nodeFiles(),
        {
          path: '/etc/nomad.d/nomad.hcl',
          content: renderAgentConfig(this.agentConfig(props, hostVolumes)),
          mode: '0600',
        },
        {
          path: DOCKER_AUTH_CONFIG_PATH,
          // The cluster's own registry goes through the ECR credential helper (instance role); other
          // registries are pulled anonymously. A catch-all credsStore would make every public pull fail.
          content: `{"credHelpers":{"${Aws.ACCOUNT_ID}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}":"ecr-login"}}\n`,
          mode: '0644',
        },
        {
          // Containers Nomad starts take the docker plugin's logging (above); this covers the others.
          path: '/etc/docker/daemon.json',
          content: `${JSON.stringify({ 'log-driver': 'json-file', 'log-opts': { 'max-size': '50m', 'max-file': '5' } })}\n`,
          mode: '0644',
        },
        {
          path: '/etc/nomad-bootstrap/cloudwatch-agent.json',
          content: cluster.stack.toJsonString(
            cloudWatchAgentConfig({
              role: 'client',
              clusterName: cluster.clusterName,
              nodePool: this.nodePool,
              nomadLogGroup: cluster.logGroup,
              dockerLogGroup: cluster.containerLogGroup,
              metricsLogGroup: cluster.metricsLogGroup,
            }),
          ),
          mode: '0600',
        },
        {
          path: '/etc/nomad-bootstrap/prometheus.yaml',
          content: prometheusScrapeConfig({
            role: 'client',
            clusterName: cluster.clusterName,
            nodePool: this.nodePool,
          }),
          mode: '0644',
        },
      ],
      bootstrapScript: cluster.bootScript,
      logGroups: [cluster.logGroup, cluster.containerLogGroup, cluster.metricsLogGroup],
      ...capacity,
      instancesDistribution: {
        onDemandBaseCapacity: props.onDemandBaseCapacity ?? 0,
        onDemandPercentageAboveBaseCapacity: onDemandPercentage,
        onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
        spotAllocationStrategy: spot
          ? (props.spotAllocationStrategy ?? autoscaling.SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED)
          : undefined,
      },
      // Replace Spot instances proactively when AWS signals a higher interruption risk.
      capacityRebalance: spot ? true : undefined,
      // One client at a time, launched before an old one is terminated (and drained, see NomadNodeDrain).
      updatePolicy: clientUpdatePolicy(this, capacity, Duration.minutes(this.gpu ? 30 : 15)),
      // GPU nodes build the NVIDIA kernel module at boot.
      signalTimeout: Duration.minutes(this.gpu ? 30 : 15),
      tags: { [ROLE_TAG]: 'client', [NODE_POOL_DIMENSION]: this.nodePool },
    });
    this.autoScalingGroup = group.autoScalingGroup;
    this.launchTemplate = group.launchTemplate;
    this.role = group.role;
    this.grantPrincipal = group.role;
    // Clients read their TLS material and readiness token at boot, and start once the ACL system is
    // bootstrapped: no client (a peer that can speak RPC to the servers) exists before that.
    cluster.secrets.grantClientMaterial(this.role);
    cluster.artifacts.attach(group, boot.artifacts);
    this.autoScalingGroup.node.addDependency(cluster.secrets.keyMaterial, cluster.aclBootstrap);
    cluster.registerClientPool(this);
  }

  /** Allocations running in the pool (sum over its clients). */
  public metricRunningAllocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nomadMetric(CLIENT_METRICS.runningAllocations, props);
  }

  /** CPU not yet allocated to tasks in the pool, MHz (sum over its clients): the scheduling headroom. */
  public metricUnallocatedCpu(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nomadMetric(CLIENT_METRICS.unallocatedCpu, props);
  }

  /** Memory not yet allocated to tasks in the pool, MiB (sum over its clients). */
  public metricUnallocatedMemory(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.nomadMetric(CLIENT_METRICS.unallocatedMemory, props);
  }

  /** CPU in use on the pool's instances, percent (CloudWatch agent, averaged). */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instanceMetric(INSTANCE_METRICS.cpuUtilization, props);
  }

  /** Memory in use on the pool's instances, percent. */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instanceMetric(INSTANCE_METRICS.memoryUtilization, props);
  }

  /** Root volume in use on the pool's instances, percent (the fullest instance). */
  public metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.instanceMetric(INSTANCE_METRICS.diskUtilization, { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  private nomadMetric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: NOMAD_NAMESPACE,
      metricName,
      dimensionsMap: { [CLUSTER_DIMENSION]: this.cluster.clusterName, [NODE_POOL_DIMENSION]: this.nodePool },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(1),
      ...props,
    });
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

  private agentConfig(props: NomadClientPoolOptions, hostVolumes: readonly NomadHostVolume[]): NomadAgentConfig {
    const plugins: PluginAgentConfig[] = [
      {
        name: 'docker',
        config: {
          allow_privileged: false,
          auth: { config: DOCKER_AUTH_CONFIG_PATH },
          // Container labels that say which job a container belongs to (`docker ps`, logs).
          extra_labels: ['job_name', 'task_group_name', 'task_name', 'namespace', 'node_name'],
          logging: DOCKER_LOGGING,
        },
      },
    ];
    if (this.gpu) {
      plugins.push({ name: 'nomad-device-nvidia', config: { enabled: true } });
    }
    return {
      ...this.cluster.agentDefaults(),
      pluginDir: '/opt/nomad/plugins',
      client: {
        enabled: true,
        nodePool: this.nodePool,
        nodeClass: props.nodeClass,
        meta: props.meta,
        serverJoin: { retryJoin: [this.cluster.serverJoin], retryInterval: '15s' },
        cniPath: '/opt/cni/bin',
        // On shutdown (scale-in, Spot interruption, replacement) move allocations away first.
        drainOnShutdown: { deadline: '1m', ignoreSystemJobs: true },
        reserved: {
          cpu: props.reserved?.cpuMhz ?? 300,
          memory: props.reserved?.memoryMiB ?? (this.gpu ? 1024 : 768),
        },
        hostVolumes: hostVolumes.length > 0 ? hostVolumes : undefined,
      },
      plugins,
    };
  }
}

function validateNodePool(nodePool: string, fromId: boolean, path: string): void {
  if (Token.isUnresolved(nodePool) || !NODE_POOL_NAME.test(nodePool) || ['all', 'default'].includes(nodePool)) {
    throw new NomadError(
      'invalid-prop',
      `${path}.nodePool`,
      `expected a node pool name of 1 to 128 letters, digits, "-" or "_" other than the built-in "all" and "default", received ${JSON.stringify(nodePool)}${fromId ? ' (the construct id, used when nodePool is not set)' : ''}. Set nodePool explicitly.`,
    );
  }
}

function validateInstanceTypes(instanceTypes: readonly ec2.InstanceType[], path: string): ec2.InstanceArchitecture {
  const first = instanceTypes[0];
  if (first === undefined) {
    throw new NomadError('invalid-prop', `${path}.instanceTypes`, 'expected at least one instance type, received [].');
  }
  const mixed = instanceTypes.filter((type) => type.architecture !== first.architecture);
  if (mixed.length > 0) {
    throw new NomadError(
      'invalid-prop',
      `${path}.instanceTypes`,
      `expected instance types of one architecture, received ${first} (${first.architecture}) and ${mixed.map((type) => `${type} (${type.architecture})`).join(', ')}. One pool has one AMI: put arm64 and x86_64 types in separate pools.`,
    );
  }
  return first.architecture;
}

interface Capacity {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
}

/**
 * A rolling update that launches each replacement before it terminates an old client: CloudFormation
 * keeps `minInstancesInService` (the instances the pool is meant to run) in service, so with one slot
 * above it the new client boots and registers first. CloudFormation requires the value below the
 * group's maximum: a pool without room gets a warning and the old terminate-first behaviour.
 */
function clientUpdatePolicy(scope: Construct, capacity: Capacity, pauseTime: Duration): autoscaling.UpdatePolicy {
  const inService = capacity.desiredCapacity ?? capacity.minCapacity;
  let minInstancesInService = inService;
  if (inService > 0 && capacity.maxCapacity <= inService) {
    minInstancesInService = inService - 1;
    Annotations.of(scope).addWarningV2(
      '@org/nomad-constructs:poolWithoutRoomToRoll',
      `maxCapacity ${capacity.maxCapacity} leaves no room to launch a replacement before terminating a client: every rolling update (new AMI, Nomad version or configuration) stops a client before its replacement has booted. Set maxCapacity to at least ${inService + 1}.`,
    );
  }
  return autoscaling.UpdatePolicy.rollingUpdate({
    maxBatchSize: 1,
    minInstancesInService,
    waitOnResourceSignals: true,
    pauseTime,
  });
}

function validateCapacity(props: NomadClientPoolOptions, path: string): Capacity {
  const minCapacity = props.minCapacity ?? 1;
  const maxCapacity = props.maxCapacity ?? Math.max(minCapacity, props.desiredCapacity ?? 0) + 1;
  const desired = props.desiredCapacity;
  const whole = (value: number | undefined) => value === undefined || (Number.isInteger(value) && value >= 0);
  const fields = {
    minCapacity,
    maxCapacity,
    desiredCapacity: desired,
    onDemandBaseCapacity: props.onDemandBaseCapacity,
  };
  for (const [name, value] of Object.entries(fields)) {
    if (!whole(value)) {
      throw new NomadError('invalid-prop', `${path}.${name}`, `expected a whole number >= 0, received ${value}.`);
    }
  }
  if (
    maxCapacity < 1 ||
    minCapacity > maxCapacity ||
    (desired !== undefined && (desired < minCapacity || desired > maxCapacity))
  ) {
    throw new NomadError(
      'invalid-prop',
      `${path}.minCapacity`,
      `expected 0 <= minCapacity <= desiredCapacity <= maxCapacity and maxCapacity >= 1, received minCapacity ${minCapacity}, desiredCapacity ${desired ?? '(not set)'}, maxCapacity ${maxCapacity}.`,
    );
  }
  const percentage = props.onDemandPercentageAboveBaseCapacity;
  if (percentage !== undefined && !(Number.isInteger(percentage) && percentage >= 0 && percentage <= 100)) {
    throw new NomadError(
      'invalid-prop',
      `${path}.onDemandPercentageAboveBaseCapacity`,
      `expected a whole percentage from 0 (all Spot) to 100 (all On-Demand), received ${percentage}.`,
    );
  }
  return { minCapacity, maxCapacity, desiredCapacity: desired };
}

function validateHostVolumes(volumes: readonly NomadHostVolume[], path: string): readonly NomadHostVolume[] {
  const names = new Set<string>();
  for (const volume of volumes) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(volume.name) || names.has(volume.name)) {
      throw new NomadError(
        'invalid-prop',
        `${path}.hostVolumes`,
        `expected unique names of letters, digits, "_" or "-", received ${JSON.stringify(volume.name)}${names.has(volume.name) ? ' twice' : ''}.`,
      );
    }
    names.add(volume.name);
    if (!/^\/[A-Za-z0-9_./-]+$/.test(volume.path) || volume.path.split('/').includes('..')) {
      throw new NomadError(
        'invalid-prop',
        `${path}.hostVolumes[${volume.name}].path`,
        `expected an absolute path of letters, digits and "_.-/" without "..", received ${JSON.stringify(volume.path)}.`,
      );
    }
  }
  return volumes;
}

function validateMeta(meta: Record<string, string>, path: string): void {
  for (const key of Object.keys(meta)) {
    if (!/^[A-Za-z0-9_.-]+$/.test(key)) {
      throw new NomadError(
        'invalid-prop',
        `${path}.meta`,
        `expected keys of letters, digits and "_.-" (Nomad interpolates them as \${meta.<key>}), received ${JSON.stringify(key)}.`,
      );
    }
  }
}

function validateReserved(reserved: NomadReservedResources, path: string): void {
  for (const [name, value] of Object.entries(reserved)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw new NomadError(
        'invalid-prop',
        `${path}.reserved.${name}`,
        `expected a whole number >= 0, received ${value}. It is a value the agent configuration holds at synth time.`,
      );
    }
  }
}
