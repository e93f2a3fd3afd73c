import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acceptAsyncProviderFindings } from '../nag/reviewed-findings';
import {
  grantVpcFunctionBasics,
  HandlerFunction,
  type HandlerName,
  httpsOutSecurityGroup,
} from '../security/handler-function';

/** The construct ids of the provider framework's functions. */
export const FRAMEWORK_FUNCTIONS = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'] as const;

/** Props of {@link AsyncProvider}. */
export interface AsyncProviderProps {
  /** The bundled handler: one function answers both `onEvent` and `isComplete`. */
  readonly handler: HandlerName;
  readonly description: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** The handler's timeout: each `isComplete` call works (and waits) for at most this long. */
  readonly handlerTimeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** The pause between two `isComplete` calls. */
  readonly queryInterval: Duration;
  /** The provider framework's own limit (the handler fails the resource earlier, with a clearer reason). */
  readonly totalTimeout: Duration;
}

/**
 * A CloudFormation custom resource provider for work longer than one Lambda run: CDK's
 * `custom_resources.Provider` with an `isComplete` handler (a Step Functions waiter calls it until
 * it says done, fails, or the total timeout passes), set up the way the rest of the cluster is:
 * every function in the cluster's private subnets behind HTTPS-out-only security groups, roles
 * that hold exactly the statements added to them (no managed policies), log groups encrypted with
 * the cluster key, and the waiter's executions logged.
 *
 * The framework answers CloudFormation itself (also when the handler throws: FAILED with the
 * handler's message), retries its answer, and ignores the Delete that follows a failed Create.
 */
export class AsyncProvider extends Construct {
  /** The function with the resource's logic (bundled in this package). */
  public readonly handler: HandlerFunction;
  /** CDK's provider framework. */
  public readonly provider: cr.Provider;
  /** The role of the framework's onEvent function. */
  public readonly frameworkOnEventRole: iam.Role;
  /** The role of the framework's isComplete and onTimeout functions. */
  public readonly frameworkCompleteRole: iam.Role;
  /** The framework functions' security group (HTTPS out only). */
  public readonly frameworkSecurityGroup: ec2.SecurityGroup;
  /** The framework functions' log group. */
  public readonly frameworkLogGroup: logs.LogGroup;
  /** The waiter state machine's execution log group. */
  public readonly waiterLogGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: AsyncProviderProps) {
    super(scope, id);
    this.handler = new HandlerFunction(this, 'Handler', {
      handler: props.handler,
      description: props.description,
      vpc: props.vpc,
      subnets: props.subnets,
      timeout: props.handlerTimeout,
      logRetention: props.logRetention,
      encryptionKey: props.encryptionKey,
      memorySize: props.memorySize,
    });

    const logGroup = (logId: string) =>
      new logs.LogGroup(this, logId, {
        retention: props.logRetention,
        encryptionKey: props.encryptionKey,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    this.frameworkLogGroup = logGroup('FrameworkLogs');
    this.waiterLogGroup = logGroup('WaiterLogs');
    this.frameworkSecurityGroup = httpsOutSecurityGroup(this, 'FrameworkSecurityGroup', {
      vpc: props.vpc,
      description: `${props.description} (provider framework): HTTPS out only`,
      egressDescription: 'AWS APIs (Lambda, Step Functions) and the CloudFormation response URL',
    });
    const frameworkRole = (roleId: string) => {
      const role = new iam.Role(this, roleId, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `${props.description} (provider framework)`,
      });
      grantVpcFunctionBasics(role, this.frameworkLogGroup);
      return role;
    };
    this.frameworkOnEventRole = frameworkRole('FrameworkOnEventRole');
    this.frameworkCompleteRole = frameworkRole('FrameworkCompleteRole');

    this.provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler.function,
      isCompleteHandler: this.handler.function,
      queryInterval: props.queryInterval,
      totalTimeout: props.totalTimeout,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.frameworkSecurityGroup],
      frameworkOnEventRole: this.frameworkOnEventRole,
      frameworkCompleteAndTimeoutRole: this.frameworkCompleteRole,
      logGroup: this.frameworkLogGroup,
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: {
        destination: this.waiterLogGroup,
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    // Lambda checks a function's VPC permissions when it creates it: its role's policy comes first.
    this.provider.node.findChild('framework-onEvent').node.addDependency(this.frameworkOnEventRole);
    for (const id of ['framework-isComplete', 'framework-onTimeout']) {
      this.provider.node.findChild(id).node.addDependency(this.frameworkCompleteRole);
    }
    // The framework's functions on the Node.js version of the handler (CDK picks the newest one every
    // region has); their code is plain JavaScript with the AWS SDK v3 the runtime provides.
    for (const id of FRAMEWORK_FUNCTIONS) {
      const fn = this.provider.node.findChild(id).node.defaultChild as lambda.CfnFunction;
      fn.runtime = lambda.Runtime.NODEJS_24_X.name;
    }
    acceptAsyncProviderFindings(this);
  }

  /** The provider framework's functions (onEvent, isComplete, onTimeout). */
  public get frameworkFunctions(): lambda.IFunction[] {
    return FRAMEWORK_FUNCTIONS.map((id) => this.provider.node.findChild(id) as lambda.IFunction);
  }

  /** The waiter state machine's construct (CDK's, a `CfnStateMachine` inside). */
  public get waiterStateMachine(): Construct {
    return this.provider.node.findChild('waiter-state-machine') as Construct;
  }

  /** The service token of the resources this provider backs. */
  public get serviceToken(): string {
    return this.provider.serviceToken;
  }
}
