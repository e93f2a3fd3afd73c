import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { aclBootstrap } from '../../src/handlers/acl-bootstrap';
import type { CustomResourceEvent } from '../../src/handlers/custom-resource';
import {
  ANONYMOUS_POLICY,
  CLIENT_READINESS_POLICY,
  deployerPolicy,
  SERVER_READINESS_POLICY,
  UI_READ_ONLY_POLICY,
} from '../../src/security/acl-policies';
import type { TokenSecretValue } from '../../src/security/secret-formats';
import { captureLogs, FakeNomad, FakeSecrets, PLACEHOLDER, requestEvent } from './fakes';

const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const MANAGEMENT = ARN('ManagementToken');
const SERVER_TOKEN = ARN('ServerToken');
const CLIENT_TOKEN = ARN('ClientToken');
const UI_TOKEN = ARN('UiToken');
const CA = ARN('CaCertificate');

const spec = (policy: typeof ANONYMOUS_POLICY) => ({
  Name: policy.name,
  Description: policy.description,
  Rules: policy.rules,
});

/** The properties NomadAcl passes (see the template tests), pointed at the fake server's port. */
function properties(port: number, ui = true): Record<string, unknown> {
  return {
    ServerTagKey: 'NomadServerJoin',
    ServerTagValue: 'prod',
    NomadRegion: 'global',
    HttpPort: String(port),
    CaCertificateSecretArn: CA,
    ManagementTokenSecretArn: MANAGEMENT,
    Policies: [
      spec(ANONYMOUS_POLICY),
      spec(SERVER_READINESS_POLICY),
      spec(CLIENT_READINESS_POLICY),
      ...(ui ? [spec(UI_READ_ONLY_POLICY)] : []),
    ],
    Tokens: [
      { Name: SERVER_READINESS_POLICY.name, Policies: [SERVER_READINESS_POLICY.name], SecretArn: SERVER_TOKEN },
      { Name: CLIENT_READINESS_POLICY.name, Policies: [CLIENT_READINESS_POLICY.name], SecretArn: CLIENT_TOKEN },
      ...(ui ? [{ Name: UI_READ_ONLY_POLICY.name, Policies: [UI_READ_ONLY_POLICY.name], SecretArn: UI_TOKEN }] : []),
    ],
  };
}

describe('acl-bootstrap handler', () => {
  const ec2 = mockClient(EC2Client);
  let nomad: FakeNomad;
  let secrets: FakeSecrets;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(() => {
    // The servers, found by their cloud auto-join tag: one stopped, one on the fake server's address.
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ PrivateIpAddress: '127.0.0.1' }] }],
    });
  });
  afterAll(() => ec2.restore());

  beforeEach(async () => {
    nomad = await FakeNomad.create();
    secrets = new FakeSecrets({
      [CA]: nomad.ca.certificate,
      [MANAGEMENT]: PLACEHOLDER,
      [SERVER_TOKEN]: PLACEHOLDER,
      [CLIENT_TOKEN]: PLACEHOLDER,
      [UI_TOKEN]: PLACEHOLDER,
    });
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    secrets.restore();
    await nomad.close();
  });

  // Tests that succeed get a deadline they never reach, however busy the machine; the tests of giving up
  // pass a short one and assert the message, which names the last answer whether one attempt fitted or many.
  const run = (event: CustomResourceEvent, deadlineMs = 600_000) =>
    aclBootstrap(
      event,
      Date.now() + deadlineMs,
      { secrets: secrets.client, ec2: new EC2Client({ region: 'eu-west-1' }) },
      { retryDelayMs: 20 },
    );
  const token = (arn: string) => JSON.parse(secrets.get(arn)) as TokenSecretValue;
  /** Every secret the test knows: none may be in the logs or the response. */
  const allSecrets = () => [
    secrets.get(MANAGEMENT),
    ...[SERVER_TOKEN, CLIENT_TOKEN, UI_TOKEN].map((arn) => token(arn).secretId),
    ...[...nomad.tokens.values()].map((t) => t.SecretID),
  ];

  it('bootstraps with a secret generated and stored before the call, and the stored secret is the management token', async () => {
    await run(requestEvent('Create', properties(nomad.port)));
    const management = secrets.get(MANAGEMENT);
    expect(management).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const bootstrap = nomad.tokensNamed('Bootstrap Token');
    expect(bootstrap).toEqual([expect.objectContaining({ SecretID: management, Type: 'management' })]);
    // The secret was stored first, then the cluster bootstrapped: a lost answer cannot lose the token.
    expect(secrets.writes[0]?.arn).toBe(MANAGEMENT);
    expect(nomad.requests[0]).toEqual({ line: 'POST /v1/acl/bootstrap', token: false });
  });

  it('writes the anonymous policy that denies everything, the readiness and UI policies, and checks anonymous requests are denied', async () => {
    await run(requestEvent('Create', properties(nomad.port)));
    expect([...nomad.policies.keys()].sort()).toEqual(
      [
        'anonymous',
        'nomad-constructs-client-readiness',
        'nomad-constructs-server-readiness',
        'nomad-constructs-ui-read-only',
      ].sort(),
    );
    expect(nomad.policies.get('anonymous')?.Rules).toBe(ANONYMOUS_POLICY.rules);
    expect(ANONYMOUS_POLICY.rules.match(/policy = "(\w+)"/g)).toEqual(Array(7).fill('policy = "deny"'));
    expect(nomad.requests).toContainEqual({ line: 'GET /v1/jobs', token: false });
  });

  it('creates one token per entry, with its policies, and stores it in its secret', async () => {
    await run(requestEvent('Create', properties(nomad.port)));
    for (const [arn, name] of [
      [SERVER_TOKEN, SERVER_READINESS_POLICY.name],
      [CLIENT_TOKEN, CLIENT_READINESS_POLICY.name],
      [UI_TOKEN, UI_READ_ONLY_POLICY.name],
    ] as const) {
      const stored = token(arn);
      expect(nomad.tokensNamed(name)).toEqual([
        expect.objectContaining({
          AccessorID: stored.accessorId,
          SecretID: stored.secretId,
          Type: 'client',
          Policies: [name],
        }),
      ]);
    }
  });

  it('creates the namespaces and node pools jobs need when missing, and leaves existing ones as they are', async () => {
    nomad.nodePools.set('general', { Name: 'general', Description: 'made by its first client' });
    await run(
      requestEvent('Create', {
        ...properties(nomad.port),
        Namespaces: ['ml'],
        NodePools: ['default', 'general', 'spot'],
      }),
    );
    expect(nomad.namespaces.get('ml')).toEqual({
      Name: 'ml',
      Description: 'Jobs deployed by NomadJob (created by @org/nomad-constructs)',
    });
    expect([...nomad.nodePools.keys()].sort()).toEqual(['all', 'default', 'general', 'spot']);
    expect(nomad.nodePools.get('general')?.Description).toBe('made by its first client');
    const writes = nomad.requests.map((request) => request.line).filter((line) => /namespace|node\/pool/.test(line));
    expect(writes).toEqual([
      'GET /v1/namespace/ml',
      'POST /v1/namespace/ml',
      'GET /v1/node/pool/general',
      'GET /v1/node/pool/spot',
      'POST /v1/node/pools',
    ]);
  });

  it('keeps a deployer token of a namespace with exactly its deployer policy', async () => {
    const DEPLOYER = ARN('DeployerToken-default');
    secrets.values.set(DEPLOYER, PLACEHOLDER);
    const policy = deployerPolicy('default', [{ name: 'models', readOnly: true }]);
    const base = properties(nomad.port);
    await run(
      requestEvent('Create', {
        ...base,
        Policies: [...(base.Policies as unknown[]), spec(policy)],
        Tokens: [...(base.Tokens as unknown[]), { Name: policy.name, Policies: [policy.name], SecretArn: DEPLOYER }],
      }),
    );
    expect(nomad.policies.get(policy.name)?.Rules).toBe(
      'namespace "default" {\n  capabilities = ["submit-job", "read-job"]\n}\n\nhost_volume "models" {\n  capabilities = ["mount-readonly"]\n}\n',
    );
    const stored = token(DEPLOYER);
    expect(nomad.tokensNamed(policy.name)).toEqual([
      expect.objectContaining({ SecretID: stored.secretId, Type: 'client', Policies: [policy.name] }),
    ]);
  });

  it('does nothing the second time: no new token, policy or secret write', async () => {
    const event = requestEvent('Create', properties(nomad.port));
    await run(event);
    const tokens = JSON.stringify([...nomad.tokens.values()]);
    const writes = secrets.writes.length;
    const requests = nomad.requests.length;
    await run(requestEvent('Update', properties(nomad.port), { OldResourceProperties: event.ResourceProperties }));
    expect(JSON.stringify([...nomad.tokens.values()])).toBe(tokens);
    expect(secrets.writes.length).toBe(writes);
    const second = nomad.requests.slice(requests).map((request) => request.line);
    expect(second.filter((line) => !line.startsWith('GET '))).toEqual(['POST /v1/acl/bootstrap']);
  });

  it('recovers when the bootstrap answer is lost: "already bootstrapped" with the stored secret is success', async () => {
    nomad.dropAnswer.add('POST /v1/acl/bootstrap');
    await run(requestEvent('Create', properties(nomad.port)));
    expect(nomad.tokensNamed('Bootstrap Token')).toEqual([
      expect.objectContaining({ SecretID: secrets.get(MANAGEMENT) }),
    ]);
    expect(nomad.requests.map((request) => request.line).slice(0, 3)).toEqual([
      'POST /v1/acl/bootstrap',
      'POST /v1/acl/bootstrap',
      'GET /v1/acl/token/self',
    ]);
    expect(logs.lines.join('\n')).toContain('already bootstrapped with the stored management token');
  });

  it('recovers when a token creation answer is lost: adopts the token instead of creating another', async () => {
    nomad.dropAnswer.add('POST /v1/acl/token');
    await run(requestEvent('Create', properties(nomad.port)));
    const [only, ...others] = nomad.tokensNamed(SERVER_READINESS_POLICY.name);
    expect(others).toEqual([]);
    expect(token(SERVER_TOKEN)).toEqual({ accessorId: only?.AccessorID, secretId: only?.SecretID });
  });

  it('waits for a leader (HTTP 500) and for servers to answer, until the deadline', async () => {
    nomad.noLeaderFor = 3;
    await run(requestEvent('Create', properties(nomad.port)));
    expect(nomad.bootstrapped).toBe(true);
  });

  it('fails, saying so, when someone else bootstrapped the cluster', async () => {
    nomad.bootstrapWith('11111111-2222-4333-8444-555555555555');
    await expect(run(requestEvent('Create', properties(nomad.port)))).rejects.toThrow(
      `the cluster's ACL system was bootstrapped, but not with the management token stored in ${MANAGEMENT} (Nomad does not know it). Something else bootstrapped the cluster: treat it as compromised, and see "ACL bootstrap" in the @org/nomad-constructs README.`,
    );
    expect(nomad.policies.size).toBe(0);
  });

  it('fails when anonymous requests are not denied', async () => {
    nomad.ignorePolicyWrites = true;
    nomad.policies.set('anonymous', {
      Name: 'anonymous',
      Description: '',
      Rules: 'namespace "*" {\n  policy = "read"\n}\n',
      CreateIndex: 1,
      ModifyIndex: 1,
    });
    await expect(run(requestEvent('Create', properties(nomad.port)))).rejects.toThrow(
      'an anonymous request to /v1/jobs got HTTP 200 instead of 403: the anonymous policy does not deny everything',
    );
  });

  it('replaces a stored token Nomad no longer knows', async () => {
    await run(requestEvent('Create', properties(nomad.port)));
    const before = token(CLIENT_TOKEN);
    nomad.tokens.delete(before.accessorId);
    await run(requestEvent('Update', properties(nomad.port)));
    expect(token(CLIENT_TOKEN).secretId).not.toBe(before.secretId);
    expect(nomad.tokensNamed(CLIENT_READINESS_POLICY.name)).toHaveLength(1);
  });

  it('re-bootstraps a cluster rebuilt after all servers were lost with the stored management secret, and recreates its tokens (aclGeneration)', async () => {
    await run(requestEvent('Create', properties(nomad.port)));
    const management = secrets.get(MANAGEMENT);
    const oldClientToken = token(CLIENT_TOKEN).secretId;
    // Every server is gone: the replacements form a new, empty cluster (no ACL state at all).
    await nomad.close();
    nomad = await FakeNomad.create();
    secrets.values.set(CA, nomad.ca.certificate);
    await run(requestEvent('Update', { ...properties(nomad.port), Generation: 1 }));
    // The same management token works again (scripts and `nomad-constructs env` keep working) ...
    expect(secrets.get(MANAGEMENT)).toBe(management);
    expect(nomad.tokensNamed('Bootstrap Token')).toEqual([expect.objectContaining({ SecretID: management })]);
    // ... and the tokens the old cluster knew are created anew and stored.
    expect(token(CLIENT_TOKEN).secretId).not.toBe(oldClientToken);
    expect(nomad.tokensNamed(CLIENT_READINESS_POLICY.name)).toEqual([
      expect.objectContaining({ SecretID: token(CLIENT_TOKEN).secretId }),
    ]);
  });

  it('deletes the UI token and policy when an update drops them', async () => {
    const create = requestEvent('Create', properties(nomad.port));
    await run(create);
    await run(
      requestEvent('Update', properties(nomad.port, false), { OldResourceProperties: create.ResourceProperties }),
    );
    expect(nomad.tokensNamed(UI_READ_ONLY_POLICY.name)).toEqual([]);
    expect(nomad.policies.has(UI_READ_ONLY_POLICY.name)).toBe(false);
    expect(nomad.tokensNamed(SERVER_READINESS_POLICY.name)).toHaveLength(1);
  });

  it('never puts a token in the response Data or the logs', async () => {
    nomad.dropAnswer.add('POST /v1/acl/bootstrap');
    const result = await run(requestEvent('Create', properties(nomad.port)));
    expect(result).toEqual({
      physicalResourceId: 'nomad-acl:prod',
      data: {
        Policies:
          'anonymous,nomad-constructs-server-readiness,nomad-constructs-client-readiness,nomad-constructs-ui-read-only',
        Tokens: 'nomad-constructs-server-readiness,nomad-constructs-client-readiness,nomad-constructs-ui-read-only',
      },
    });
    const logged = logs.lines.join('\n');
    expect(logged).toContain('bootstrap');
    for (const secret of allSecrets()) {
      expect(secret).toMatch(/^[0-9a-f-]{36}$/);
      expect(logged).not.toContain(secret);
      expect(JSON.stringify(result)).not.toContain(secret);
    }
  });

  it('trusts only the cluster CA and the name server.<region>.nomad', async () => {
    // A server certificate for another region: the name check fails, so no server "answers".
    const other = await FakeNomad.create('server.europe.nomad');
    try {
      secrets.values.set(CA, other.ca.certificate);
      await expect(run(requestEvent('Create', properties(other.port)), 300)).rejects.toThrow(
        /^gave up trying to bootstrap the ACL system before the function timed out; last answer: no Nomad server answered POST \/v1\/acl\/bootstrap on port \d+ \(127\.0\.0\.1: Hostname\/IP does not match certificate's altnames/,
      );
      expect(other.bootstrapped).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('gives up with a clear message when no server is running', async () => {
    ec2.on(DescribeInstancesCommand).resolvesOnce({ Reservations: [] }).resolves({ Reservations: [] });
    try {
      await expect(run(requestEvent('Create', properties(nomad.port)), 200)).rejects.toThrow(
        'gave up waiting for the servers to be running before the function timed out; last answer: not yet',
      );
    } finally {
      ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ PrivateIpAddress: '127.0.0.1' }] }] });
    }
  });

  it('rejects a Create whose properties are missing, naming the property, and the rollback Delete that follows succeeds', async () => {
    const { ServerTagKey: _, ...missing } = properties(nomad.port);
    await expect(run(requestEvent('Create', missing))).rejects.toThrow(
      'ServerTagKey: expected the property ServerTagKey to be a non-empty string, received undefined',
    );
    const result = await run(requestEvent('Delete', {}, { PhysicalResourceId: 'failed-request-1' }));
    expect(result.physicalResourceId).toBe('failed-request-1');
    expect(nomad.requests).toEqual([]);
  });

  it('deletes nothing: the ACL state belongs to the cluster', async () => {
    const result = await run(requestEvent('Delete', properties(nomad.port)));
    expect(result.physicalResourceId).toBe('physical');
    expect(nomad.requests).toEqual([]);
    expect(secrets.writes).toEqual([]);
  });
});
