import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { NomadError } from '../errors';
import { acceptSnapshotsFindings } from '../nag/reviewed-findings';
import type { NomadMonitoring } from '../observability/nomad-monitoring';
import { SNAPSHOT_SAVER_POLICY } from '../security/acl-policies';
import type { HandlerFunction } from '../security/handler-function';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import { type NomadApiFunctionProps, nomadApiFunction } from './nomad-api-function';
import type { SnapshotInput } from './snapshot-contract';

/** Where in the bucket the snapshots go. */
export const SNAPSHOT_PREFIX = 'snapshots/';

/** Options of the cluster's scheduled snapshots (`NomadClusterProps.snapshots`). */
export interface NomadSnapshotOptions {
  /**
   * How often a snapshot is taken.
   *
   * @default Duration.hours(6)
   */
  readonly interval?: Duration;
  /**
   * How long snapshots are kept (an S3 lifecycle rule expires older ones).
   *
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /**
   * A bucket for the snapshot bucket's server access logs (under `nomad-snapshots/`).
   *
   * @default - no access logs
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/** Props of {@link NomadSnapshots}; {@link NomadCluster} creates it. */
export interface NomadSnapshotsProps extends NomadSnapshotOptions, NomadApiFunctionProps {}

/**
 * Scheduled `nomad operator snapshot save`: a function in the servers' subnets, with an ACL token
 * that may save snapshots and nothing else, stores a snapshot of the cluster state every `interval`
 * in a bucket of the cluster (encrypted with the cluster key, TLS only, versioned, retained when
 * the stack is deleted), where a lifecycle rule expires them after `retention`. See "Backups and
 * restore" in the README for the restore.
 */
export class NomadSnapshots extends Construct {
  /** The bucket the snapshots are kept in (under `snapshots/`). */
  public readonly bucket: s3.Bucket;
  /** The snapshot function. */
  public readonly handler: HandlerFunction;
  /** Its schedule. */
  public readonly schedule: events.Rule;
  /** The secret of the function's ACL token (`operator` `snapshot-save` only). */
  public readonly tokenSecret: secretsmanager.ISecret;

  public constructor(scope: Construct, id: string, props: NomadSnapshotsProps) {
    super(scope, id);
    const path = this.node.path;
    requireSynthTimeValues(path, {
      interval: [props.interval, 'it is checked against its limits and sets the schedule'],
      retention: [props.retention, 'it is checked against its limits and sets the lifecycle rule'],
    });
    const interval = checkDuration(props.interval ?? Duration.hours(6), 'hours', 1, 168, `${path}.interval`);
    const retention = checkDuration(props.retention ?? Duration.days(30), 'days', 1, 3650, `${path}.retention`);
    const { secrets } = props;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: secrets.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket === undefined ? undefined : 'nomad-snapshots/',
      // Backups outlive the cluster's stack (see "What is retained on delete").
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'expire-snapshots', prefix: SNAPSHOT_PREFIX, expiration: retention },
        { id: 'expire-replaced-versions', noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });

    const api = nomadApiFunction(this, props, {
      handler: 'snapshot',
      description: `Nomad cluster ${props.clusterName}: saves a snapshot of the cluster state to S3`,
      timeout: Duration.minutes(5),
      // A snapshot is held in memory on its way to S3.
      memorySize: 1024,
      token: {
        secretId: 'SnapshotToken',
        description: 'snapshot ACL token (operator: snapshot-save)',
        policy: SNAPSHOT_SAVER_POLICY,
      },
      apiRuleDescription: 'Nomad HTTP API from the snapshot function',
    });
    this.handler = api.handler;
    this.tokenSecret = api.tokenSecret;
    const role = this.handler.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }));
    // Writes snapshots, and reads and deletes nothing.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${SNAPSHOT_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [secrets.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${this.bucket.stack.region}.amazonaws.com` } },
      }),
    );

    const input = {
      ...api.access,
      bucketName: this.bucket.bucketName,
      prefix: SNAPSHOT_PREFIX,
    } satisfies SnapshotInput;
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Nomad cluster ${props.clusterName}: saves a snapshot every ${interval.toHumanString()}`,
      schedule: events.Schedule.rate(interval),
      targets: [
        new targets.LambdaFunction(this.handler.function, {
          event: events.RuleTargetInput.fromObject(input),
          retryAttempts: 2,
        }),
      ],
    });
    // The token exists once the ACL resource has run.
    this.schedule.node.addDependency(props.acl.resource);
    acceptSnapshotsFindings(this.bucket, role, props.accessLogsBucket !== undefined);
  }

  /**
   * Adds the `SnapshotFailed` alarm: a scheduled snapshot failed (the function's errors, counted over
   * a day, missing data is OK).
   */
  public addFailureAlarm(monitoring: NomadMonitoring): cloudwatch.Alarm {
    return monitoring.addAlarm('SnapshotFailed', {
      metric: this.handler.function.metricErrors({ period: Duration.hours(6), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      summary: 'A scheduled Nomad snapshot failed in the last 6 hours',
      runbook:
        "Read the snapshot function's log: no server running, a server that refused the token (the ACL resource recreates it on the next deploy), or a snapshot above 256 MiB. `nomad operator snapshot save` with the management token takes one by hand.",
    });
  }
}

function checkDuration(value: Duration, unit: 'hours' | 'days', min: number, max: number, path: string): Duration {
  const amount = unit === 'hours' ? value.toHours({ integral: false }) : value.toDays({ integral: false });
  if (Token.isUnresolved(amount) || !Number.isInteger(amount) || amount < min || amount > max) {
    throw new NomadError(
      'invalid-prop',
      path,
      `expected whole ${unit} from ${min} to ${max}, received ${value.toHumanString()}. Use Duration.${unit}().`,
    );
  }
  return value;
}
