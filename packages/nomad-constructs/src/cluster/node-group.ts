import { Aws, type Duration, Lazy, type Size, Stack, Tags } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { nodeUserData, type UserDataFile } from '../boot/node-user-data';
import { acceptNodeGroupFindings } from '../nag/reviewed-findings';
import { INSTANCE_NAMESPACE } from '../observability/nomad-metrics';

/** Tag on every instance of a cluster: its name (SSM access is granted on it). */
export const CLUSTER_TAG = 'NomadCluster';
/** Tag on every instance: `server` or `client`. */
export const ROLE_TAG = 'NomadRole';
/** Tag on server instances only, found by cloud auto-join (`ec2:DescribeInstances`). */
export const SERVER_JOIN_TAG = 'NomadServerJoin';

/** Everything a group of Nomad instances (the servers, or one client pool) is made of. */
export interface NodeGroupOptions {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly clusterName: string;
  readonly nodeRole: 'server' | 'client';
  /** One type for servers; several for a client pool's mixed instances policy. */
  readonly instanceTypes: readonly ec2.InstanceType[];
  readonly architecture: ec2.InstanceArchitecture;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  readonly role?: iam.IRole;
  readonly rootVolumeSize: Size;
  /** IMDSv2 hop limit: 1 keeps the instance role away from containers on a bridge network. */
  readonly metadataHopLimit: number;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly files: readonly UserDataFile[];
  readonly bootstrapScript: s3assets.Asset;
  readonly logGroups: readonly logs.ILogGroup[];
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity?: number;
  readonly instancesDistribution?: autoscaling.InstancesDistribution;
  readonly capacityRebalance?: boolean;
  readonly azCapacityDistributionStrategy?: autoscaling.CapacityDistributionStrategy;
  readonly updatePolicy: autoscaling.UpdatePolicy;
  readonly signalTimeout: Duration;
  readonly tags: Readonly<Record<string, string>>;
}

export interface NodeGroup {
  readonly role: iam.IRole;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
}

/**
 * The launch template, instance role and Auto Scaling group shared by servers and client pools:
 * a current Amazon Linux 2023 AMI from its public SSM parameter, IMDSv2 only, an encrypted gp3
 * root volume, no key pair (Session Manager instead), no public IP, and user data that signals
 * CloudFormation once the node has joined the cluster.
 */
export function createNodeGroup(scope: Construct, options: NodeGroupOptions): NodeGroup {
  const stack = Stack.of(scope);
  const role =
    options.role ??
    new iam.Role(scope, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Nomad ${options.nodeRole} instances of cluster ${options.clusterName}`,
    });
  addNodePolicies(role, options);

  // The user data names the Auto Scaling group to signal; its logical id is known once it exists.
  let autoScalingGroup: autoscaling.AutoScalingGroup | undefined;
  const logicalId = Lazy.string({
    produce: () => stack.getLogicalId(autoScalingGroup?.node.defaultChild as autoscaling.CfnAutoScalingGroup),
  });
  const userData = nodeUserData({
    description: options.description,
    environment: {
      ...options.environment,
      AWS_REGION: Aws.REGION,
      CFN_STACK_NAME: Aws.STACK_NAME,
      CFN_LOGICAL_ID: logicalId,
      NOMAD_READY_TIMEOUT_SECONDS: String(Math.max(60, options.signalTimeout.toSeconds() - 120)),
    },
    files: options.files,
    bootstrapScript: options.bootstrapScript,
  });

  const [primarySecurityGroup, ...otherSecurityGroups] = options.securityGroups;
  const launchTemplate = new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
    machineImage: ec2.MachineImage.latestAmazonLinux2023({
      cpuType:
        options.architecture === ec2.InstanceArchitecture.ARM_64
          ? ec2.AmazonLinuxCpuType.ARM_64
          : ec2.AmazonLinuxCpuType.X86_64,
    }),
    // Servers have one type here; a client pool's types are overrides of the mixed instances policy.
    instanceType: options.instancesDistribution === undefined ? options.instanceTypes[0] : undefined,
    userData,
    role,
    securityGroup: primarySecurityGroup,
    requireImdsv2: true,
    httpTokens: ec2.LaunchTemplateHttpTokens.REQUIRED,
    httpPutResponseHopLimit: options.metadataHopLimit,
    associatePublicIpAddress: false,
    blockDevices: [
      {
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(options.rootVolumeSize.toGibibytes(), {
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          encrypted: true,
          deleteOnTermination: true,
        }),
      },
    ],
  });
  for (const securityGroup of otherSecurityGroups) {
    launchTemplate.addSecurityGroup(securityGroup);
  }

  autoScalingGroup = new autoscaling.AutoScalingGroup(scope, 'AutoScalingGroup', {
    vpc: options.vpc,
    vpcSubnets: options.subnets,
    ...(options.instancesDistribution === undefined
      ? { launchTemplate }
      : {
          mixedInstancesPolicy: {
            launchTemplate,
            instancesDistribution: options.instancesDistribution,
            launchTemplateOverrides: options.instanceTypes.map((instanceType) => ({ instanceType })),
          },
        }),
    minCapacity: options.minCapacity,
    maxCapacity: options.maxCapacity,
    desiredCapacity: options.desiredCapacity,
    capacityRebalance: options.capacityRebalance,
    azCapacityDistributionStrategy: options.azCapacityDistributionStrategy,
    signals: autoscaling.Signals.waitForMinCapacity({ timeout: options.signalTimeout }),
    updatePolicy: options.updatePolicy,
    groupMetrics: [autoscaling.GroupMetrics.all()],
  });
  // Instances need their role's permissions from the first second of boot (the boot script, secrets).
  autoScalingGroup.node.addDependency(role);
  for (const [key, value] of Object.entries({ [CLUSTER_TAG]: options.clusterName, ...options.tags })) {
    Tags.of(autoScalingGroup).add(key, value, { applyToLaunchedInstances: true });
  }
  acceptNodeGroupFindings(role, autoScalingGroup, options.instancesDistribution !== undefined);
  return { role, launchTemplate, autoScalingGroup };
}

/**
 * The permissions every Nomad node needs, each for one reason (see "IAM" in the README). Actions
 * that AWS does not scope to resources are on `*`; everything else names its resource. (The Auto
 * Scaling group itself grants `cloudformation:SignalResource` on this stack, since it waits for signals.)
 */
function addNodePolicies(role: iam.IRole, options: NodeGroupOptions): void {
  const stack = Stack.of(options.bootstrapScript);
  const statements = [
    // Cloud auto-join finds the servers by tag; the CloudWatch agent reads the Auto Scaling group tag.
    new iam.PolicyStatement({ actions: ['ec2:DescribeInstances', 'ec2:DescribeTags'], resources: ['*'] }),
    // Session Manager (no SSH keys, no open port).
    new iam.PolicyStatement({
      actions: [
        'ssm:UpdateInstanceInformation',
        'ssmmessages:CreateControlChannel',
        'ssmmessages:CreateDataChannel',
        'ssmmessages:OpenControlChannel',
        'ssmmessages:OpenDataChannel',
      ],
      resources: ['*'],
    }),
    // Instance metrics from the CloudWatch agent, in the cluster's namespace only.
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': INSTANCE_NAMESPACE } },
    }),
    // Logs and Nomad's metrics (embedded metric format) into the cluster's log groups.
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
      resources: options.logGroups.map((group) => group.logGroupArn),
    }),
    // A failed boot takes its own instance out of service (set-instance-health), in this cluster's
    // groups only (the groups carry the cluster tag; their ARNs hold a generated id).
    new iam.PolicyStatement({
      actions: ['autoscaling:SetInstanceHealth'],
      resources: ['*'],
      conditions: { StringEquals: { [`autoscaling:ResourceTag/${CLUSTER_TAG}`]: options.clusterName } },
    }),
    // The boot script signals CloudFormation only while its group's resource waits for signals.
    new iam.PolicyStatement({ actions: ['cloudformation:DescribeStackResource'], resources: [Aws.STACK_ID] }),
    // The boot script, and nothing else from the assets bucket.
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [
        stack.formatArn({
          service: 's3',
          region: '',
          account: '',
          resource: options.bootstrapScript.s3BucketName,
          resourceName: options.bootstrapScript.s3ObjectKey,
        }),
      ],
    }),
  ];
  for (const statement of statements) {
    role.addToPrincipalPolicy(statement);
  }
}
