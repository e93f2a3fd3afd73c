import { describe, expect, it } from 'vitest';
import { AWS_STS_AUDIENCE, awsWebIdentity, Duration, Job } from '../../src';

describe('awsWebIdentity', () => {
  const { identity, env } = awsWebIdentity({ roleArn: 'arn:aws:iam::123456789012:role/trainer' });

  it('asks for a token for AWS STS in a file, and names the role and the file for the AWS SDK', () => {
    expect(identity).toEqual({ name: 'aws', aud: [AWS_STS_AUDIENCE], file: true, ttl: Duration.hours(1) });
    expect(env).toEqual({
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/trainer',
      AWS_WEB_IDENTITY_TOKEN_FILE: '${NOMAD_SECRETS_DIR}/nomad_aws.jwt',
    });
  });

  it('renders a job Nomad accepts: the identity in API JSON, the file path left for the client to interpolate', () => {
    const named = awsWebIdentity({ roleArn: 'arn:aws:iam::1:role/r', identityName: 's3', ttl: Duration.minutes(30) });
    const job = new Job({
      id: 'trainer',
      type: 'batch',
      groups: [
        {
          name: 'trainer',
          tasks: [
            {
              name: 'trainer',
              driver: 'docker',
              config: { image: 'busybox:1.37' },
              identities: [named.identity],
              env: named.env,
            },
          ],
        },
      ],
    });
    expect(job.validate()).toEqual([]);
    const task = (
      job.toApiJson().Job as unknown as {
        TaskGroups: { Tasks: { Identities: unknown[]; Env: Record<string, string> }[] }[];
      }
    ).TaskGroups[0]?.Tasks[0];
    expect(task?.Identities).toEqual([
      expect.objectContaining({ Name: 's3', Audience: ['sts.amazonaws.com'], File: true, TTL: 30 * 60 * 1e9 }),
    ]);
    expect(task?.Env).toEqual({
      AWS_ROLE_ARN: 'arn:aws:iam::1:role/r',
      AWS_WEB_IDENTITY_TOKEN_FILE: '${NOMAD_SECRETS_DIR}/nomad_s3.jwt',
    });
    // HCL escapes the interpolation ($${...}): the job's value is the same, interpolated by the client.
    expect(job.toHcl()).toContain('AWS_WEB_IDENTITY_TOKEN_FILE = "$${NOMAD_SECRETS_DIR}/nomad_s3.jwt"');
  });
});
