import { CfnJson, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NomadError } from '../errors';
import { addNagSuppressions } from '../nag/nag-suppressions';

/** The audience AWS STS expects in a web identity token (`identity { aud = [...] }`). */
export const STS_AUDIENCE = 'sts.amazonaws.com';
/** The identity name `addWorkloadRole` trusts unless told otherwise (`identity { name = "aws" }`). */
export const DEFAULT_AWS_IDENTITY_NAME = 'aws';
/** The two documents AWS STS fetches from the issuer, as object keys of the issuer bucket. */
export const OIDC_DOCUMENT_KEYS = ['.well-known/openid-configuration', '.well-known/jwks.json'] as const;

/** Options of the cluster's workload identity issuer (`NomadClusterProps.workloadIdentity`). */
export interface NomadWorkloadIdentityOptions {
  /**
   * The CloudFront price class of the issuer's distribution (it serves two small documents to AWS STS).
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;
  /**
   * A bucket for the issuer bucket's server access logs (under `nomad-oidc-issuer/`) and the
   * distribution's standard logs (under `nomad-oidc-issuer-cloudfront/`; CloudFront delivers them with
   * ACLs, so the bucket's object ownership must not be `BUCKET_OWNER_ENFORCED`).
   *
   * @default - no access logs
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/** Props of {@link NomadWorkloadIdentity}; {@link NomadCluster} creates it. */
export interface NomadWorkloadIdentityProps extends NomadWorkloadIdentityOptions {
  /** The Nomad region: the first part of every workload identity's `sub` claim. */
  readonly nomadRegion: string;
}

/**
 * Which Nomad workload may assume a role: the `sub` claim Nomad signs is
 * `<region>:<namespace>:<job>:<group>:<task>:<identity>`, and the role trusts exactly the parts given here.
 */
export interface WorkloadRoleOptions {
  /** The job ID. Periodic and dispatched runs carry their parent job's ID in `sub`. */
  readonly job: string;
  /**
   * The job's namespace.
   *
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * The task group.
   *
   * @default - any group of the job
   */
  readonly group?: string;
  /**
   * The task.
   *
   * @default - any task of the group
   */
  readonly task?: string;
  /**
   * The name of the task's `identity` block whose token the task exchanges.
   *
   * @default 'aws'
   */
  readonly identityName?: string;
  /**
   * The role's description.
   *
   * @default - names the workload
   */
  readonly description?: string;
  /**
   * The longest session the task's credentials last before the SDK exchanges the token again.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * AWS credentials for Nomad tasks without the instance role: Nomad signs a workload identity (a
 * JWT) for a task that asks for one, AWS STS exchanges it for a role through an IAM OIDC provider
 * whose issuer is this cluster's Nomad, and the task's SDK does the exchange itself
 * (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`).
 *
 * STS must fetch the issuer's discovery document and keys over public HTTPS. The servers stay
 * private: every few minutes each server copies Nomad's `/.well-known/openid-configuration` and
 * `/.well-known/jwks.json` into a private bucket (it may write these two objects and nothing else),
 * which a CloudFront distribution serves through origin access control. The issuer is the
 * distribution's `https://` address, set as the servers' `oidc_issuer`.
 */
export class NomadWorkloadIdentity extends Construct {
  /** The issuer URL (`https://<distribution>.cloudfront.net`): the servers' `oidc_issuer` and the OIDC provider's URL. */
  public readonly issuerUrl: string;
  /** The bucket the servers publish the two documents to. */
  public readonly bucket: s3.Bucket;
  /** The distribution that serves them. */
  public readonly distribution: cloudfront.Distribution;
  /** The IAM OIDC provider that trusts the issuer for the audience `sts.amazonaws.com`. */
  public readonly provider: iam.OidcProviderNative;

  private readonly nomadRegion: string;
  private readonly issuerHost: string;

  public constructor(scope: Construct, id: string, props: NomadWorkloadIdentityProps) {
    super(scope, id);
    this.nomadRegion = props.nomadRegion;
    // Public documents (the issuer and public keys), hence S3-managed keys: CloudFront's origin access
    // control reads them without a KMS grant. Kept on delete like the cluster's other buckets: a
    // CloudFormation delete cannot empty it.
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Every publish writes a version: a bad one can be rolled back by hand until the next publish.
      versioned: true,
      lifecycleRules: [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(7) }],
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket === undefined ? undefined : 'nomad-oidc-issuer/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Nomad workload identity issuer (OIDC discovery document and keys)',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessLevels: [cloudfront.AccessLevel.READ],
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // The servers upload with Cache-Control max-age=300: a new key reaches STS within minutes.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: props.accessLogsBucket !== undefined,
      logBucket: props.accessLogsBucket,
      logFilePrefix: props.accessLogsBucket === undefined ? undefined : 'nomad-oidc-issuer-cloudfront/',
    });
    this.issuerHost = this.distribution.distributionDomainName;
    this.issuerUrl = `https://${this.issuerHost}`;
    this.provider = new iam.OidcProviderNative(this, 'Provider', {
      url: this.issuerUrl,
      clientIds: [STS_AUDIENCE],
    });
    acceptIssuerFindings(this.bucket, this.distribution, props.accessLogsBucket !== undefined);
  }

  /** Lets the servers publish the two documents, and nothing else, into the issuer bucket. */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: OIDC_DOCUMENT_KEYS.map((key) => this.bucket.arnForObjects(key)),
    });
  }

  /**
   * A role that only the given Nomad workload can assume, with its identity token: the trust policy
   * requires `aud` = `sts.amazonaws.com` and the workload's `sub`. Grant it what the task needs.
   *
   * @param id - the construct id of the workload (the role is its child `Role`)
   */
  public addWorkloadRole(id: string, options: WorkloadRoleOptions): iam.Role {
    const workload = new Construct(this, id);
    const subject = workloadSubject(this.nomadRegion, options, workload.node.path);
    // The condition keys start with the issuer's host name, a deploy-time value: CfnJson resolves them.
    const conditionKey = (claim: string) => `${this.issuerHost}:${claim}`;
    const stringEquals = new CfnJson(workload, 'StringEquals', {
      value: {
        [conditionKey('aud')]: STS_AUDIENCE,
        ...(subject.exact ? { [conditionKey('sub')]: subject.value } : {}),
      },
    });
    const conditions: iam.Conditions = subject.exact
      ? { StringEquals: stringEquals }
      : {
          StringEquals: stringEquals,
          StringLike: new CfnJson(workload, 'StringLike', { value: { [conditionKey('sub')]: subject.value } }),
        };
    const role = new iam.Role(workload, 'Role', {
      assumedBy: new iam.FederatedPrincipal(this.provider.oidcProviderArn, conditions, 'sts:AssumeRoleWithWebIdentity'),
      description: options.description ?? `Nomad workload ${subject.value}`,
      maxSessionDuration: options.maxSessionDuration ?? Duration.hours(1),
    });
    addNagSuppressions(
      role,
      [
        {
          id: 'NIST.800.53.R5-IAMNoInlinePolicy',
          reason:
            "What is granted to the role of one Nomad workload lands in CDK's default policy of that role, deployed, reviewed and deleted with it; its trust policy admits that workload only.",
        },
      ],
      true,
    );
    return role;
  }
}

/** The reviewed cdk-nag findings on the issuer's bucket and distribution. */
function acceptIssuerFindings(bucket: s3.Bucket, distribution: cloudfront.Distribution, accessLogged: boolean): void {
  const unlogged = accessLogged
    ? []
    : [
        'The access logs of the issuer are opt-in (workloadIdentity.accessLogsBucket): it serves two public documents, only the servers write them (PutObject of two keys) and only CloudFront reads them; CloudTrail records the bucket-level calls.',
      ];
  addNagSuppressions(bucket, [
    {
      id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
      reason:
        "The bucket holds two public documents that every server publishes again every 5 minutes from Nomad's keyring, their source: a replica would hold nothing that is not re-created within minutes.",
    },
    {
      id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
      reason:
        "The objects are public by design (the OIDC issuer's name and public keys) and CloudFront reads them through origin access control: S3-managed encryption at rest; a KMS key would need a key policy for CloudFront and protect nothing secret.",
    },
    ...unlogged.flatMap((reason) => [
      { id: 'AwsSolutions-S1', reason },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason },
    ]),
  ]);
  addNagSuppressions(distribution, [
    {
      id: 'AwsSolutions-CFR1',
      reason:
        "AWS STS fetches the issuer's documents from AWS's own regions wherever a role is assumed, and the documents are public by design (OIDC discovery): a country restriction protects nothing.",
    },
    {
      id: 'AwsSolutions-CFR2',
      reason:
        'The distribution serves two static public JSON documents (GET and HEAD only) from a private bucket through origin access control, with no application behind it: a web ACL would have nothing to inspect (attach one with attachWebAclId where policy requires it).',
    },
    {
      id: 'AwsSolutions-CFR4',
      reason:
        "The distribution has CloudFront's default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; a TLSv1.2 minimum needs a custom domain with an ACM certificate in us-east-1. It serves public documents only, and AWS STS connects with TLS 1.2 or later.",
    },
    ...unlogged.map((reason) => ({ id: 'AwsSolutions-CFR3', reason })),
  ]);
}

/** What the `sub` claim of a workload must be: exact when group and task are given, a pattern otherwise. */
export function workloadSubject(
  nomadRegion: string,
  options: WorkloadRoleOptions,
  path: string,
): { readonly value: string; readonly exact: boolean } {
  const parts: [string, string | undefined][] = [
    ['namespace', options.namespace ?? 'default'],
    ['job', options.job],
    ['group', options.group],
    ['task', options.task],
    ['identityName', options.identityName ?? DEFAULT_AWS_IDENTITY_NAME],
  ];
  for (const [name, value] of parts) {
    if (value !== undefined && (Token.isUnresolved(value) || !/^[A-Za-z0-9._/-]{1,128}$/.test(value))) {
      throw new NomadError(
        'invalid-prop',
        `${path}.${name}`,
        `expected 1 to 128 letters, digits or "._/-", received ${JSON.stringify(value)}. The role trusts the workload's sub claim "<region>:<namespace>:<job>:<group>:<task>:<identity>", so its parts must be literal names without ":", "*" or "?".`,
      );
    }
  }
  if (options.group === undefined && options.task !== undefined) {
    throw new NomadError(
      'invalid-prop',
      `${path}.group`,
      `expected the group of task ${JSON.stringify(options.task)}, received none. Set group too (a task name alone would match that task in any group).`,
    );
  }
  const value = [nomadRegion, ...parts.map(([, part]) => part ?? '*')].join(':');
  return { value, exact: options.group !== undefined && options.task !== undefined };
}
