import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { NomadError } from '../errors';
import { acceptHandlerFunctionFindings } from '../nag/reviewed-findings';

/** The handlers bundled at build time (see `projenrc/nomad-constructs.ts`). */
export type HandlerName =
  | 'cluster-secrets'
  | 'acl-bootstrap'
  | 'nomad-job'
  | 'nomad-image'
  | 'certificate-renewal'
  | 'node-drain'
  | 'snapshot'
  | 'artifact-staging';

/**
 * Where the bundled handlers live: `lib/lambda/<name>/`, relative to this module (`src/security`
 * in the tests, `lib/security` in the package), so it works from `node_modules` too.
 */
export function handlerBundleDir(name: HandlerName): string {
  const dir = join(__dirname, '..', '..', 'lib', 'lambda', name);
  if (!existsSync(join(dir, 'index.js'))) {
    throw new NomadError(
      'invalid-state',
      dir,
      'expected the Lambda handler bundled when @org/nomad-constructs was built, received a missing lib/lambda/ folder. Reinstall the package (or run `npx projen compile` in its repository).',
    );
  }
  return dir;
}

/** A security group that lets a function out on HTTPS only (AWS APIs through the NAT gateway or endpoints). */
export function httpsOutSecurityGroup(
  scope: Construct,
  id: string,
  props: { readonly vpc: ec2.IVpc; readonly description: string; readonly egressDescription: string },
): ec2.SecurityGroup {
  const securityGroup = new ec2.SecurityGroup(scope, id, {
    vpc: props.vpc,
    description: props.description,
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), props.egressDescription);
  return securityGroup;
}

/**
 * What a function in the VPC needs besides its own permissions, as statements of its role (no
 * managed policies): attaching to the VPC (no resource-level permissions exist for these) and
 * writing to its log group.
 */
export function grantVpcFunctionBasics(role: iam.Role, logGroup: logs.ILogGroup): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
}

export interface HandlerFunctionProps {
  readonly handler: HandlerName;
  readonly description: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly encryptionKey: kms.IKey;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default - none */
  readonly environment?: Record<string, string>;
}

/**
 * A custom resource's function: the handler bundled in the package, Node.js 24 on arm64, in the
 * cluster's private subnets behind a security group that allows HTTPS out only (AWS APIs through
 * the NAT gateway or endpoints), with its own encrypted log group and a role that holds exactly the
 * statements added to it (no managed policies: the VPC and logging permissions are listed below).
 */
export class HandlerFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.securityGroup = httpsOutSecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.description}: HTTPS out only`,
      egressDescription: 'AWS APIs (Secrets Manager, EC2)',
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new lambda.Function(this, 'Resource', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(handlerBundleDir(props.handler)),
      handler: 'index.handler',
      memorySize: props.memorySize ?? 256,
      environment: props.environment,
      timeout: props.timeout,
      role: this.role,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    grantVpcFunctionBasics(this.role, this.logGroup);
    // Lambda checks the VPC permissions when it creates the function: create the role's policy first.
    this.function.node.addDependency(this.role);
    acceptHandlerFunctionFindings(this, props.handler);
  }
}
