import { Annotations, Aspects, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { NomadError } from '../errors';
import { acceptClusterVpcFindings } from '../nag/reviewed-findings';

/** Interface endpoints a cluster can create in its VPC (each costs money per Availability Zone). */
export enum InterfaceEndpoint {
  /** ECR API and Docker registry: image pulls stay in the VPC (layers come through the S3 gateway endpoint). */
  ECR = 'ECR',
  /** Systems Manager and Session Manager (`ssm`, `ssmmessages`, `ec2messages`). */
  SSM = 'SSM',
  /** Secrets Manager. */
  SECRETS_MANAGER = 'SECRETS_MANAGER',
  /** CloudWatch Logs (the CloudWatch agent's logs and Nomad's metrics events). */
  CLOUDWATCH_LOGS = 'CLOUDWATCH_LOGS',
}

const SERVICES: Record<InterfaceEndpoint, ec2.InterfaceVpcEndpointAwsService[]> = {
  [InterfaceEndpoint.ECR]: [ec2.InterfaceVpcEndpointAwsService.ECR, ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
  [InterfaceEndpoint.SSM]: [
    ec2.InterfaceVpcEndpointAwsService.SSM,
    ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
    ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
  ],
  [InterfaceEndpoint.SECRETS_MANAGER]: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
  [InterfaceEndpoint.CLOUDWATCH_LOGS]: [ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
};

export interface ClusterVpcOptions {
  readonly natGateways: number;
  /** How the private subnets reach the internet; NAT gateways when undefined. */
  readonly natGatewayProvider?: ec2.NatProvider;
  readonly logRetention: logs.RetentionDays;
  /** Encrypts the flow logs. */
  readonly encryptionKey: kms.IKey;
  /** The zones to use instead of the first three of the region (`availabilityZones` prop). */
  readonly availabilityZones?: readonly string[];
  /** The prop path for error messages. */
  readonly path: string;
  /** The path of the `availabilityZones` prop. */
  readonly zonesPath: string;
}

/** The warning an environment-agnostic cluster VPC gets: its zones are picked at deploy time. */
export const ZONES_AT_DEPLOY_WARNING = '@org/nomad-constructs:zonesPickedAtDeploy';

/**
 * The cluster's own VPC: three Availability Zones, public subnets for NAT gateways and load
 * balancers, private subnets for the nodes, the free S3 gateway endpoint (Amazon Linux packages,
 * ECR layers, the boot script) and flow logs.
 */
export function createClusterVpc(scope: Construct, id: string, options: ClusterVpcOptions): ec2.Vpc {
  const { natGateways } = options;
  if (!Number.isInteger(natGateways) || natGateways < 1 || natGateways > 3) {
    throw new NomadError(
      'invalid-prop',
      options.path,
      `expected 1 to 3 NAT gateways, received ${natGateways}. Nodes download Nomad at boot, so the private subnets need a way out; 3 survive the loss of a zone.`,
    );
  }
  const stack = Stack.of(scope);
  const agnostic = Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region);
  const zones = options.availabilityZones;
  if (zones !== undefined) {
    checkZones(zones, stack, options.zonesPath);
  } else if (agnostic) {
    // A stack without a concrete account and region knows only 2 zones at synth time (maxAzs gives 2
    // there): select three from Fn::GetAZs so the cluster spans three zones wherever it is deployed.
    // Where the account sees two zones, CloudFormation would reject the template: say so now.
    Annotations.of(scope).addWarningV2(
      ZONES_AT_DEPLOY_WARNING,
      `The cluster's VPC takes the first three Availability Zones of the region at deploy time (Fn::GetAZs), because the stack has no account and region. In a region where your account sees only two zones (us-west-1 for most accounts), CloudFormation rejects the template ("Fn::Select cannot select nonexistent value at index 2"). There, give the stack an env with account and region (CDK then looks the zones up), or set availabilityZones on the cluster (e.g. ["us-west-1a", "us-west-1c"]), or pass a vpc.`,
    );
  }
  const vpc = new ec2.Vpc(scope, id, {
    ...(zones !== undefined
      ? { availabilityZones: [...zones] }
      : agnostic
        ? { availabilityZones: [0, 1, 2].map((index) => Fn.select(index, Fn.getAzs())) }
        : { maxAzs: 3 }),
    natGateways,
    natGatewayProvider: options.natGatewayProvider,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
    ],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    // Nothing uses the default security group: closed, also in apps without the recommended feature flags.
    restrictDefaultSecurityGroup: true,
  });
  if (options.natGatewayProvider instanceof ec2.NatInstanceProviderV2) {
    hardenNatInstances(options.natGatewayProvider);
  }
  const flowLogs = new logs.LogGroup(scope, `${id}FlowLogs`, {
    retention: options.logRetention,
    encryptionKey: options.encryptionKey,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  acceptClusterVpcFindings(
    vpc,
    options.natGatewayProvider instanceof ec2.NatInstanceProviderV2 ? options.natGatewayProvider.gatewayInstances : [],
  );
  return vpc;
}

function checkZones(zones: readonly string[], stack: Stack, path: string): void {
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  const bad = zones.filter(
    (zone) =>
      Token.isUnresolved(zone) || !/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone) || (region && !zone.startsWith(region)),
  );
  if (zones.length < 2 || zones.length > 3 || new Set(zones).size !== zones.length || bad.length > 0) {
    throw new NomadError(
      'invalid-prop',
      path,
      `expected 2 or 3 distinct Availability Zone names${region ? ` of ${region}` : ''} such as "us-west-1a", received ${JSON.stringify(zones)}. List the zones your account sees with \`aws ec2 describe-availability-zones --region <region>\`.`,
    );
  }
}

/**
 * NAT instances as the cluster's nodes are: IMDSv2 only, an encrypted gp3 root volume (8 GiB,
 * Amazon Linux 2023's own size), and EC2's automatic recovery (on by default for the types that
 * support it) instead of an Auto Scaling group.
 */
function hardenNatInstances(provider: ec2.NatInstanceProviderV2): void {
  for (const instance of provider.gatewayInstances) {
    Aspects.of(instance).add(new ec2.InstanceRequireImdsv2Aspect());
    const resource = instance.node.defaultChild as ec2.CfnInstance;
    resource.blockDeviceMappings = [
      {
        deviceName: '/dev/xvda',
        ebs: { volumeSize: 8, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
      },
    ];
  }
}

/** Interface endpoints in the private subnets, open to the VPC's CIDR on 443 (CDK's default). */
export function addInterfaceEndpoints(vpc: ec2.IVpc, endpoints: readonly InterfaceEndpoint[]): void {
  for (const endpoint of new Set(endpoints)) {
    for (const service of SERVICES[endpoint]) {
      vpc.addInterfaceEndpoint(`${service.shortName.replace(/[^A-Za-z0-9]/g, '')}Endpoint`, {
        service,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        privateDnsEnabled: true,
      });
    }
  }
}
