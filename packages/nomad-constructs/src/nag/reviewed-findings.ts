import { AspectPriority, Aspects, type CfnResource, Stack } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import { addNagSuppressions, applyNagSuppressions, type NagSuppression } from './nag-suppressions';

/*
 * The cdk-nag findings (AwsSolutions and NIST 800-53 rev 5) on resources the constructs create, each
 * reviewed, with its reason. A user's `Aspects.of(app).add(new AwsSolutionsChecks())` then reports
 * only what the user's own code creates. The tests (`test/nag/`) run both packs on every construct.
 */

/** NIST 800-53 rev 5 IAMNoInlinePolicy, for the policy CDK attaches to one role. */
function inlinePolicy(what: string): NagSuppression {
  return {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: `The policy of ${what}: CDK's default policy, attached to the one role created for it and deployed, reviewed and deleted with it (its statements are asserted in the nomad-constructs tests).`,
  };
}

/** `Resource::<LogicalId.Arn><suffix>`: an IAM5 finding on a resource's ARN, named once logical IDs are final. */
export function arnFinding(resource: IConstruct, suffix: string): () => string {
  return () => {
    const cfn = (resource.node.defaultChild ?? resource) as CfnResource;
    return `Resource::<${Stack.of(cfn).resolve(cfn.logicalId)}.Arn>${suffix}`;
  };
}

/** Servers and client pools: the instance role and the Auto Scaling group. */
export function acceptNodeGroupFindings(
  role: iam.IRole,
  autoScalingGroup: autoscaling.AutoScalingGroup,
  mixedInstances: boolean,
): void {
  addNagSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Only actions that have no resource-level permissions are on "*": ec2:DescribeInstances and ec2:DescribeTags (cloud auto-join, CloudWatch agent), ssm:UpdateInstanceInformation and the ssmmessages channel actions (Session Manager), cloudwatch:PutMetricData (limited to the Nomad/Instances namespace by a condition), autoscaling:SetInstanceHealth (a failed boot takes its own instance out of service; limited to the groups tagged with the cluster name by a condition, since group ARNs hold a generated id), on clients ecr:GetAuthorizationToken, and on a NomadObservability pool ec2:DescribeAvailabilityZones (EC2 service discovery).',
        appliesTo: ['Resource::*'],
      },
      inlinePolicy('the Nomad instances of this group'),
    ],
    true,
  );
  addNagSuppressions(autoScalingGroup, [
    {
      id: 'AwsSolutions-AS3',
      reason:
        'Scaling events are in the Auto Scaling activity history and the CloudFormation events of each rolling update; in-service capacity and failed boots are CloudWatch metrics with alarms (the cluster monitoring). Subscribe to notifications with autoScalingGroup.addNotification where someone acts on them.',
    },
  ]);
  if (mixedInstances) {
    addNagSuppressions(autoScalingGroup, [
      {
        id: 'AwsSolutions-EC26',
        ruleCannotRun: true,
        reason:
          'The rule cannot read a launch template through a mixed instances policy; the launch template encrypts its only EBS volume (gp3, encrypted), which the nomad-constructs tests assert.',
      },
      {
        id: 'NIST.800.53.R5-EC2IMDSv2Enabled',
        reason:
          'The rule cannot read a launch template through a mixed instances policy; the launch template requires IMDSv2 tokens, which the nomad-constructs tests assert.',
      },
    ]);
  }
}

/**
 * AwsSolutions-L1 (newer aws-cdk-lib versions know newer Node.js runtimes than the one pinned). The
 * provider framework's functions run on the handler's runtime too (`AsyncProvider`).
 */
const LATEST_RUNTIME: NagSuppression = {
  id: 'AwsSolutions-L1',
  reason:
    "Pinned to Node.js 24 (nodejs24.x), the runtime the bundled handlers are built and tested for: a newer runtime comes with a release of @org/nomad-constructs whose tests ran on it, not with the app's aws-cdk-lib version.",
};

/** What each bundled handler's role has on "*", for its IAM5 reason. */
const HANDLER_WILDCARDS: Partial<Record<string, string>> = {
  'cluster-secrets': 'the network interface actions Lambda needs to run in the VPC',
  'acl-bootstrap':
    'the network interface actions Lambda needs to run in the VPC and ec2:DescribeInstances (finding the servers by their cloud auto-join tag)',
  'certificate-renewal': 'the network interface actions Lambda needs to run in the VPC',
  'node-drain':
    'the network interface actions Lambda needs to run in the VPC, ec2:DescribeInstances (finding the servers by tag), autoscaling:DescribeAutoScalingGroups and DescribeAutoScalingInstances (the pools instances waiting to terminate), and autoscaling:CompleteLifecycleAction and RecordLifecycleActionHeartbeat, limited to the groups tagged with the cluster name by a condition (group ARNs hold a generated id)',
  snapshot:
    'the network interface actions Lambda needs to run in the VPC and ec2:DescribeInstances (finding the servers by tag)',
  'nomad-job':
    'the network interface actions Lambda needs to run in the VPC and ec2:DescribeInstances (finding the servers by their cloud auto-join tag)',
  'nomad-image':
    'the network interface actions Lambda needs to run in the VPC (the ECR actions name the repositories: the CDK asset repository and the target)',
};

/** The functions of the custom resources and scheduled tasks (`HandlerFunction`). */
export function acceptHandlerFunctionFindings(
  handler: { readonly role: iam.IRole; readonly function: IConstruct },
  name: string,
): void {
  const onStar = HANDLER_WILDCARDS[name];
  addNagSuppressions(
    handler.role,
    [
      ...(onStar === undefined
        ? []
        : [
            {
              id: 'AwsSolutions-IAM5',
              reason: `Only actions without resource-level permissions are on "*": ${onStar}. Secrets, the key and the log group are named.`,
              appliesTo: ['Resource::*'],
            },
          ]),
      inlinePolicy('this function of the cluster'),
    ],
    true,
  );
  addNagSuppressions(handler.function, [
    LATEST_RUNTIME,
    {
      id: 'NIST.800.53.R5-LambdaConcurrency',
      reason:
        "Invoked by CloudFormation (once per deploy) or EventBridge (a schedule, lifecycle actions, Spot warnings) a few times a minute at most. Reserving concurrency would take it from the account's unreserved pool (an account with the default limit of 10 cannot reserve any) for no benefit.",
    },
    {
      id: 'NIST.800.53.R5-LambdaDLQ',
      reason:
        'Every failure is visible without a queue: a custom resource function always answers CloudFormation (FAILED with the reason), and a scheduled one is retried by EventBridge and makes a lost event good on its next run (failures raise the cluster alarms; a lifecycle hook times out to CONTINUE). A dead-letter queue would hold events nobody replays.',
    },
  ]);
}

/** CDK's provider framework parts of an `AsyncProvider` (the handler is a `HandlerFunction`). */
export function acceptAsyncProviderFindings(provider: {
  readonly frameworkOnEventRole: iam.IRole;
  readonly frameworkCompleteRole: iam.IRole;
  readonly frameworkFunctions: readonly IConstruct[];
  readonly waiterStateMachine: IConstruct;
}): void {
  for (const role of [provider.frameworkOnEventRole, provider.frameworkCompleteRole]) {
    addNagSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The network interface actions Lambda needs to run the framework function in the VPC have no resource-level permissions; lambda:InvokeFunction on the handler is granted by CDK for the function and its versions (<arn>:*), the handler is named.',
          appliesTo: ['Resource::*', ...invokeFindings(role, ['Handler'])],
        },
        inlinePolicy("CDK's provider framework function"),
      ],
      true,
    );
  }
  for (const fn of provider.frameworkFunctions) {
    addNagSuppressions(fn, [
      LATEST_RUNTIME,
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          "A custom resource's function, invoked only while CloudFormation creates, updates or deletes the resources it backs. Reserving concurrency would take it from the account's unreserved pool (an account with the default limit of 10 cannot reserve any) for no benefit.",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          "CDK's provider framework: onEvent is invoked by CloudFormation and always answers it (FAILED with the reason on any error, with retries of the answer); isComplete and onTimeout are invoked synchronously by the waiter state machine, whose catch fails the resource. Every failure is in the stack events.",
      },
    ]);
  }
  addNagSuppressions(
    provider.waiterStateMachine,
    [
      {
        id: 'AwsSolutions-SF2',
        reason:
          "CDK's provider framework waiter: one task that calls isComplete until the deployment is done. Its executions are logged (level ALL) to an encrypted log group, and the functions log every call; X-Ray traces of a polling loop would add cost and no information.",
      },
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "CDK's waiter state machine role: lambda:InvokeFunction on the two framework functions and their versions (<arn>:*), and the CloudWatch Logs delivery actions Step Functions needs for execution logging, which have no resource-level permissions.",
        appliesTo: ['Resource::*', ...invokeFindings(provider.waiterStateMachine, ['isComplete', 'onTimeout'])],
      },
      inlinePolicy("CDK's waiter state machine"),
    ],
    true,
  );
}

/**
 * `Resource::<Function.Arn>:*` of the Lambda functions a framework role may invoke: the provider's
 * handler (`Handler`) or the framework's own (`framework-isComplete`, `framework-onTimeout`), found
 * among the siblings of the provider that owns `from`.
 */
function invokeFindings(from: IConstruct, names: readonly string[]): (() => string)[] {
  return names.map((name) => () => {
    let scope: IConstruct | undefined = from.node.scope;
    while (scope !== undefined) {
      const target =
        scope.node.tryFindChild(name) ??
        scope.node.tryFindChild('Provider')?.node.tryFindChild(`framework-${name}`) ??
        scope.node.tryFindChild(`framework-${name}`);
      if (target !== undefined) {
        const fn = target.node.tryFindChild('Resource') ?? target;
        return arnFinding(fn, ':*')();
      }
      scope = scope.node.scope;
    }
    throw new Error(`no ${name} function next to ${from.node.path}`);
  });
}

const ROTATION_RULES = ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled'];

/** Why each secret of the cluster is not rotated by a Secrets Manager rotation function, by construct id. */
const SECRET_REASONS: Record<string, string> = {
  CertificateAuthority:
    'A rotation Lambda cannot replace the cluster CA safely: nodes that trust only the old CA would reject the new certificates and the cluster would split. The CA is rotated in three deploys that add, swap and drop trust (README, "Rotating the CA"); the custom resource never replaces it on its own.',
  CaCertificate:
    'It holds the public CA certificate bundle, written from the CA secret on every deploy: it changes with a CA rotation, not on a schedule.',
  ServerTls:
    'The certificate and key are issued anew by the key-material custom resource on every deploy that replaces nodes and renewed by the certificate renewal function before they expire; a scheduled rotation function would duplicate that.',
  GossipKey:
    'Nomad keeps the gossip keyring in its data directory: a new value in the secret does not reach running servers. The key is rotated through the keyring (install, use, remove) and then stored here (README, "Rotating the gossip key").',
  ManagementToken:
    'The ACL bootstrap token can be set only once per cluster (Nomad refuses a second bootstrap); rotate it by creating a new management token with it, storing that one here and deleting the old one.',
};
SECRET_REASONS.ClientTls = SECRET_REASONS.ServerTls as string;
const TOKEN_REASON =
  'An ACL token that the ACL custom resource creates and keeps in step with the cluster on every deploy (replaced when Nomad no longer knows it); the nodes and functions read it when they start.';
const TOKEN_SECRET = /^(ServerToken|ClientToken|UiToken|NodeDrainerToken|SnapshotToken|DeployerToken-.+)$/;

/** The secrets of `NomadClusterSecrets`, also the token secrets added to it later. */
export function acceptClusterSecretsFindings(secrets: IConstruct): void {
  Aspects.of(secrets).add(
    {
      visit(node) {
        if (!(node instanceof secretsmanager.CfnSecret) || node.node.scope?.node.scope !== secrets) {
          return;
        }
        const id = node.node.scope.node.id;
        const reason = SECRET_REASONS[id] ?? (TOKEN_SECRET.test(id) ? TOKEN_REASON : undefined);
        if (reason !== undefined) {
          applyNagSuppressions(
            node,
            ROTATION_RULES.map((rule) => ({ id: rule, reason })),
          );
        }
      },
    },
    { priority: AspectPriority.MUTATING },
  );
}

/** A secret a construct generates that a rotation function cannot rotate. */
export function acceptUnrotatedSecret(secret: IConstruct, reason: string): void {
  addNagSuppressions(
    secret,
    ROTATION_RULES.map((rule) => ({ id: rule, reason })),
  );
}

/** The VPC the cluster creates: its public subnets' routes, its flow log role and NAT instances. */
export function acceptClusterVpcFindings(vpc: ec2.Vpc, natInstances: readonly IConstruct[]): void {
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.tryFindChild('DefaultRoute');
    if (route !== undefined) {
      addNagSuppressions(route, [
        {
          id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
          reason:
            'Public subnets route to the internet gateway for the NAT gateways (nodes download Nomad and packages) and an internet-facing load balancer; no Nomad instance runs in them, and none has a public IP.',
        },
      ]);
    }
  }
  const flowLogRole = vpc.node.tryFindChild('FlowLog')?.node.tryFindChild('IAMRole');
  if (flowLogRole !== undefined) {
    addNagSuppressions(flowLogRole, [inlinePolicy('VPC flow logs')], true);
  }
  for (const instance of natInstances) {
    addNagSuppressions(
      instance,
      [
        {
          id: 'NIST.800.53.R5-EC2InstanceNoPublicIp',
          reason:
            "A NAT instance forwards the private subnets' traffic to the internet from its own public address: that is what it is for. Its security group is the NAT provider's.",
        },
        {
          id: 'NIST.800.53.R5-EC2InstancesInVPC',
          reason:
            "The instance is in a public subnet of the cluster's VPC, named on its network interface (it has a public address there); the rule reads only the instance's own SubnetId property.",
        },
        {
          id: 'AwsSolutions-EC28',
          reason:
            "Detailed monitoring (1-minute EC2 metrics, about $2 a month per instance) buys nothing a NAT instance needs: EC2's status checks and automatic recovery work on 5-minute metrics, and the cluster's boot-failure alarms show when egress is broken.",
        },
        {
          id: 'AwsSolutions-EC29',
          reason:
            'The NAT instance holds no state: a replacement is the same AMI and user data. Termination protection would stop `cdk destroy` without protecting anything.',
        },
      ],
      true,
    );
  }
}

/** The UI's load balancer, its redirect listener and the servers behind it. */
export function acceptUiFindings(
  loadBalancer: elbv2.ApplicationLoadBalancer,
  serverGroup: autoscaling.AutoScalingGroup,
  accessLogsBucket: IConstruct | undefined,
): void {
  addNagSuppressions(loadBalancer, [
    {
      id: 'NIST.800.53.R5-ALBWAFEnabled',
      reason:
        "The load balancer accepts only the allowedCidrs, and every API call needs an ACL token (anonymous requests are denied). AWS WAF's managed rule sets block legitimate Nomad API traffic (job specifications larger than the 8 KB body inspection limit, HCL in JSON bodies); attach a web ACL tuned for the Nomad API where the UI is exposed more widely.",
    },
  ]);
  const redirect = loadBalancer.node.tryFindChild('Redirect80To443');
  if (redirect !== undefined) {
    addNagSuppressions(redirect, [
      {
        id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
        reason:
          'The port 80 listener only answers a redirect to HTTPS (it forwards nothing), so there is no certificate to present; the HTTPS listener uses the ACM certificate.',
      },
    ]);
  }
  addNagSuppressions(serverGroup, [
    {
      id: 'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired',
      reason:
        'Servers use EC2 health checks on purpose: the load balancer health check fails on every server while the cluster has no leader, and an ELB health check would then replace all servers at once and lose the raft state. The load balancer still routes only to servers that pass /v1/agent/health.',
    },
  ]);
  if (accessLogsBucket !== undefined) {
    addNagSuppressions(accessLogsBucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the load balancer access-log bucket: logging its own access into itself would loop, and its objects are written by ELB only (versioned, TLS-only, retained).',
      },
      {
        id: 'NIST.800.53.R5-S3BucketLoggingEnabled',
        reason:
          'This is the load balancer access-log bucket: logging its own access into itself would loop, and its objects are written by ELB only (versioned, TLS-only, retained).',
      },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason:
          'ELB delivers access logs only to buckets encrypted with S3-managed keys (SSE-S3); the bucket is private, TLS-only and versioned.',
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          "Access logs of one regional load balancer, versioned and retained when the stack is deleted; replicating them to another region is the operator's choice (pass ui.accessLogs with a bucket of your own that replicates).",
      },
    ]);
  }
}

const LOAD_BALANCED_POOL_REASONS = {
  ingress:
    "The pool's instances run Traefik (a Nomad system job that Nomad restarts in place) beside the services: an ELB health check on Traefik would replace a whole client, and drain its services, whenever Traefik restarts. EC2 health checks replace a broken instance; the load balancer routes only to instances whose Traefik answers /ping.",
  grafana:
    "The pool runs Prometheus (its data on the instance's volume), the Pushgateway and Grafana: an ELB health check on Grafana alone would replace the instance, and Prometheus's data, whenever Grafana restarts. EC2 health checks replace a broken instance; Grafana's health is an alarm (GrafanaUnhealthy).",
};

/** A client pool that a load balancer sends traffic to, for what runs on it (Traefik, Grafana). */
export function acceptLoadBalancedPoolFindings(
  autoScalingGroup: autoscaling.AutoScalingGroup,
  runs: keyof typeof LOAD_BALANCED_POOL_REASONS,
): void {
  addNagSuppressions(autoScalingGroup, [
    { id: 'NIST.800.53.R5-AutoScalingGroupELBHealthCheckRequired', reason: LOAD_BALANCED_POOL_REASONS[runs] },
  ]);
}

/** The snapshot bucket and the snapshot function's object wildcard. */
export function acceptSnapshotsFindings(bucket: IConstruct, role: iam.IRole, accessLogged: boolean): void {
  addNagSuppressions(bucket, [
    {
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        'The snapshots are backups of a cluster in this region, versioned and retained when the stack is deleted; copying them to another region is a disaster-recovery choice for the operator (S3 replication to a bucket of their own).',
    },
    ...(accessLogged
      ? []
      : ['AwsSolutions-S1', 'NIST.800.53.R5-S3BucketLoggingEnabled'].map((id) => ({
          id,
          reason:
            'Server access logs of the snapshot bucket are opt-in (snapshots.accessLogsBucket): only the snapshot function writes to it (PutObject under snapshots/), and CloudTrail records the bucket-level API calls.',
        }))),
  ]);
  addNagSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The function writes snapshot objects under snapshots/ in the snapshot bucket, each named after its time and raft index: object ARNs need a wildcard, and only s3:PutObject is granted (no read, no delete).',
        appliesTo: [arnFinding(bucket, '/snapshots/*')],
      },
    ],
    true,
  );
}
