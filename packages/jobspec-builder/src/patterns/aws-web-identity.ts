import type { IdentityProps } from '../model';
import { Duration } from '../values';

/** The audience AWS STS accepts in a web identity token. */
export const AWS_STS_AUDIENCE = 'sts.amazonaws.com';

/** Options of {@link awsWebIdentity}. */
export interface AwsWebIdentityOptions {
  /** The IAM role the task assumes; its trust policy must accept this task's identity (`sub`, `aud`). */
  readonly roleArn: string;
  /**
   * The name of the identity block (the last part of the token's `sub` claim:
   * `<region>:<namespace>:<job>:<group>:<task>:<name>`).
   *
   * @default 'aws'
   */
  readonly identityName?: string;
  /**
   * How long a token is valid. Nomad writes a new one before it expires, and the AWS SDKs read the
   * file again whenever they renew their credentials.
   *
   * @default Duration.hours(1)
   */
  readonly ttl?: Duration;
}

/** What a task needs for AWS credentials from its workload identity (see {@link awsWebIdentity}). */
export interface AwsWebIdentity {
  /** The identity block: `aud = ["sts.amazonaws.com"]`, written to the task's secrets directory. */
  readonly identity: IdentityProps;
  /** `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`, which the AWS SDKs and CLI read. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * AWS credentials for a task without the node's instance role: Nomad signs a workload identity for
 * AWS STS, and the task's AWS SDK exchanges it for the role (`AssumeRoleWithWebIdentity`). Add
 * `identity` to the task's `identities` and `env` to its `env`. The cluster's Nomad servers need an
 * `oidc_issuer` that AWS IAM trusts as an OIDC provider (`@org/nomad-constructs`:
 * `workloadIdentity` and `cluster.addWorkloadRole()`).
 *
 * The token file is `${NOMAD_SECRETS_DIR}/nomad_<identityName>.jwt`, interpolated by Nomad for
 * each driver (`/secrets/...` inside a Docker container).
 *
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/identity
 */
export function awsWebIdentity(options: AwsWebIdentityOptions): AwsWebIdentity {
  const name = options.identityName ?? 'aws';
  return {
    identity: { name, aud: [AWS_STS_AUDIENCE], file: true, ttl: options.ttl ?? Duration.hours(1) },
    env: {
      AWS_ROLE_ARN: options.roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: `\${NOMAD_SECRETS_DIR}/nomad_${name}.jwt`,
    },
  };
}
