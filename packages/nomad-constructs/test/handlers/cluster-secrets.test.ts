import { createPrivateKey, X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCa } from '../../src/handlers/certificates';
import { clusterSecrets, handler } from '../../src/handlers/cluster-secrets';
import { type CustomResourceResult, customResourceHandler } from '../../src/handlers/custom-resource';
import type { CaSecretValue, TlsSecretValue } from '../../src/security/secret-formats';
import { captureLogs, FakeSecrets, PLACEHOLDER, requestEvent, responseCollector } from './fakes';

const ARNS = {
  CaSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CertificateAuthority-AbCdEf',
  CaCertificateSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CaCertificate-AbCdEf',
  ServerTlsSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ServerTls-AbCdEf',
  ClientTlsSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ClientTls-AbCdEf',
  GossipKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:GossipKey-AbCdEf',
};
// CloudFormation passes numbers as strings.
const PROPERTIES = {
  ...ARNS,
  NomadRegion: 'global',
  CaValidityDays: '3650',
  CertificateValidityDays: '365',
  NodeConfiguration: 'a1',
};

/** Every value a fresh stack's secrets hold: the placeholders CloudFormation writes. */
function freshSecrets(): FakeSecrets {
  return new FakeSecrets(Object.fromEntries(Object.values(ARNS).map((arn) => [arn, PLACEHOLDER])));
}

const tls = (secrets: FakeSecrets, arn: string) => JSON.parse(secrets.get(arn)) as TlsSecretValue;

describe('cluster-secrets handler', () => {
  let secrets: FakeSecrets;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    secrets = freshSecrets();
    logs = captureLogs();
  });
  afterEach(() => {
    logs.restore();
    secrets.restore();
  });

  /** Every secret value the handler wrote, and what they are made of. */
  const secretStrings = () => [
    ...secrets.writes.map((write) => write.value),
    ...secrets.writes.flatMap((write) => {
      try {
        return Object.values(JSON.parse(write.value) as Record<string, string>);
      } catch {
        return [];
      }
    }),
  ];

  it('creates the CA once, issues the server and client certificates from it, and a gossip key', async () => {
    await clusterSecrets(requestEvent('Create', PROPERTIES), secrets.client);
    const ca = JSON.parse(secrets.get(ARNS.CaSecretArn)) as CaSecretValue;
    const authority = new X509Certificate(ca.certificate);
    expect(authority.ca).toBe(true);
    expect(authority.subject).toBe('CN=Nomad Agent CA (global)');
    expect(authority.checkPrivateKey(createPrivateKey(ca.privateKey))).toBe(true);
    expect(secrets.get(ARNS.CaCertificateSecretArn)).toBe(ca.certificate);

    for (const [arn, name] of [
      [ARNS.ServerTlsSecretArn, 'server.global.nomad'],
      [ARNS.ClientTlsSecretArn, 'client.global.nomad'],
    ] as const) {
      const material = tls(secrets, arn);
      const leaf = new X509Certificate(material.certificate);
      expect(material.ca).toBe(ca.certificate);
      expect(leaf.verify(authority.publicKey)).toBe(true);
      expect(leaf.subjectAltName).toBe(`DNS:${name}, DNS:localhost, IP Address:127.0.0.1`);
      expect(leaf.checkPrivateKey(createPrivateKey(material.privateKey))).toBe(true);
      const days = (new Date(leaf.validTo).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(364.9);
      expect(days).toBeLessThanOrEqual(365);
    }
    expect(Buffer.from(secrets.get(ARNS.GossipKeySecretArn), 'base64')).toHaveLength(32);
    expect(secrets.get(ARNS.GossipKeySecretArn)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('keeps the CA and the gossip key on Update, and issues new certificates from the same CA', async () => {
    await clusterSecrets(requestEvent('Create', PROPERTIES), secrets.client);
    const ca = secrets.get(ARNS.CaSecretArn);
    const gossip = secrets.get(ARNS.GossipKeySecretArn);
    const server = tls(secrets, ARNS.ServerTlsSecretArn);
    const writes = secrets.writes.length;

    await clusterSecrets(requestEvent('Update', { ...PROPERTIES, NodeConfiguration: 'b2' }), secrets.client);
    expect(secrets.get(ARNS.CaSecretArn)).toBe(ca);
    expect(secrets.get(ARNS.GossipKeySecretArn)).toBe(gossip);
    // Only the two certificates were written again: the CA bundle did not change.
    expect(secrets.writes.slice(writes).map((write) => write.arn)).toEqual([
      ARNS.ServerTlsSecretArn,
      ARNS.ClientTlsSecretArn,
    ]);
    const renewed = tls(secrets, ARNS.ServerTlsSecretArn);
    expect(renewed.certificate).not.toBe(server.certificate);
    expect(renewed.privateKey).not.toBe(server.privateKey);
    const authority = new X509Certificate((JSON.parse(ca) as CaSecretValue).certificate);
    expect(new X509Certificate(renewed.certificate).verify(authority.publicKey)).toBe(true);
  });

  it('is idempotent: a repeated request converges on the same CA and gossip key', async () => {
    const event = requestEvent('Create', PROPERTIES);
    await clusterSecrets(event, secrets.client);
    const first = { ca: secrets.get(ARNS.CaSecretArn), gossip: secrets.get(ARNS.GossipKeySecretArn) };
    await clusterSecrets(event, secrets.client);
    expect({ ca: secrets.get(ARNS.CaSecretArn), gossip: secrets.get(ARNS.GossipKeySecretArn) }).toEqual(first);
  });

  it('answers with fingerprints and dates only: no key, certificate, private key or gossip key in Data', async () => {
    const result: CustomResourceResult = await clusterSecrets(requestEvent('Create', PROPERTIES), secrets.client);
    const ca = JSON.parse(secrets.get(ARNS.CaSecretArn)) as CaSecretValue;
    expect(result.physicalResourceId).toBe(`nomad-cluster-secrets:${ARNS.CaSecretArn}`);
    expect(Object.keys(result.data ?? {}).sort()).toEqual([
      'CaFingerprint',
      'CaNotAfter',
      'ClientCertificateNotAfter',
      'ServerCertificateNotAfter',
    ]);
    expect(result.data?.CaFingerprint).toBe(new X509Certificate(ca.certificate).fingerprint256);
    const data = JSON.stringify(result.data);
    expect(data).not.toMatch(/BEGIN|PRIVATE|KEY-----/);
    for (const value of secretStrings()) {
      expect(data).not.toContain(value.trim());
    }
  });

  it('logs no secret: no private key, certificate body or gossip key', async () => {
    await clusterSecrets(requestEvent('Create', PROPERTIES), secrets.client);
    await clusterSecrets(requestEvent('Update', PROPERTIES), secrets.client);
    const logged = logs.lines.join('\n');
    expect(logged).toContain('created the cluster CA');
    expect(logged).toContain('issued the server certificate');
    expect(logged).not.toMatch(/BEGIN|PRIVATE/);
    for (const value of secretStrings()) {
      expect(logged).not.toContain(value.trim());
    }
    expect(logged).not.toContain(secrets.get(ARNS.GossipKeySecretArn));
  });

  it('adds the additionally trusted CA certificates of a CA rotation to every bundle', async () => {
    const [current, next] = await Promise.all([
      createCa({ commonName: 'Current', validityDays: 3650 }),
      createCa({ commonName: 'Next', validityDays: 3650 }),
    ]);
    const value: CaSecretValue = { ...current, additionalTrustedCertificates: [next.certificate] };
    secrets.values.set(ARNS.CaSecretArn, JSON.stringify(value));
    await clusterSecrets(requestEvent('Update', PROPERTIES), secrets.client);
    const bundle = `${current.certificate}${next.certificate}`;
    expect(secrets.get(ARNS.CaCertificateSecretArn)).toBe(bundle);
    const material = tls(secrets, ARNS.ServerTlsSecretArn);
    expect(material.ca).toBe(bundle);
    // Still signed by the current CA, whose key is in the secret.
    expect(new X509Certificate(material.certificate).verify(new X509Certificate(current.certificate).publicKey)).toBe(
      true,
    );
  });

  it('rejects a CA that is not one, instead of replacing it (which would split the cluster)', async () => {
    secrets.values.set(ARNS.CaSecretArn, '{"certificate":"x"}');
    await expect(clusterSecrets(requestEvent('Update', PROPERTIES), secrets.client)).rejects.toThrow(
      `The cluster CA in ${ARNS.CaSecretArn} cannot be read: certificate or privateKey is missing. Expected {"certificate": "<PEM>", "privateKey": "<PEM>", "additionalTrustedCertificates": ["<PEM>", ...]}; see "Rotating the CA" in the @org/nomad-constructs README.`,
    );
    expect(secrets.writes).toEqual([]);
  });

  it('rejects a CA that would expire before the certificates it signs', async () => {
    const short = await createCa({ commonName: 'Short', validityDays: 30 });
    secrets.values.set(ARNS.CaSecretArn, JSON.stringify(short));
    await expect(clusterSecrets(requestEvent('Update', PROPERTIES), secrets.client)).rejects.toThrow(
      /^The cluster CA in .* cannot sign certificates: it expires on .*, before certificates issued now for 365 days would\. It is never replaced automatically/,
    );
  });

  it('rejects a gossip key that is not 32 bytes of base64, instead of replacing it', async () => {
    await clusterSecrets(requestEvent('Create', PROPERTIES), secrets.client);
    secrets.values.set(ARNS.GossipKeySecretArn, 'not-a-key');
    await expect(clusterSecrets(requestEvent('Update', PROPERTIES), secrets.client)).rejects.toThrow(
      `The gossip key in ${ARNS.GossipKeySecretArn} is not 32 bytes in base64. It is never replaced automatically`,
    );
    expect(secrets.get(ARNS.GossipKeySecretArn)).toBe('not-a-key');
  });

  it('deletes nothing: the secrets are stack resources (the CA and gossip key retained)', async () => {
    const result = await clusterSecrets(requestEvent('Delete', PROPERTIES), secrets.client);
    expect(result.physicalResourceId).toBe('physical');
    expect(secrets.writes).toEqual([]);
  });

  it('succeeds on the Delete that follows a Create which failed on missing properties', async () => {
    const result = await clusterSecrets(
      requestEvent('Delete', { NomadRegion: 'global' }, { PhysicalResourceId: 'failed-request-1' }),
      secrets.client,
    );
    expect(result.physicalResourceId).toBe('failed-request-1');
    expect(secrets.writes).toEqual([]);
  });

  it('names a property CloudFormation passed wrong', async () => {
    await expect(
      clusterSecrets(requestEvent('Create', { ...PROPERTIES, CertificateValidityDays: 'a year' }), secrets.client),
    ).rejects.toThrow('expected the property CertificateValidityDays to be a positive whole number, received "a year"');
  });

  describe('as a Lambda function (the custom resource runtime)', () => {
    it('answers CloudFormation SUCCESS with the physical id and Data, on the pre-signed URL', async () => {
      const cloudFormation = await responseCollector();
      try {
        const event = requestEvent('Create', PROPERTIES, { ResponseURL: cloudFormation.url });
        await handler(event, { getRemainingTimeInMillis: () => 900_000 });
        expect(cloudFormation.bodies).toEqual([
          {
            method: 'PUT',
            // The URL is signed without a content type.
            contentType: '',
            body: {
              Status: 'SUCCESS',
              PhysicalResourceId: `nomad-cluster-secrets:${ARNS.CaSecretArn}`,
              StackId: event.StackId,
              RequestId: event.RequestId,
              LogicalResourceId: event.LogicalResourceId,
              Data: expect.objectContaining({
                CaFingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
              }),
            },
          },
        ]);
      } finally {
        await cloudFormation.close();
      }
    });

    it('answers FAILED with the error message as the reason CloudFormation shows, never leaving the stack waiting', async () => {
      const cloudFormation = await responseCollector();
      secrets.values.set(ARNS.GossipKeySecretArn, 'broken');
      secrets.values.set(ARNS.CaSecretArn, PLACEHOLDER);
      try {
        const event = requestEvent('Create', PROPERTIES, { ResponseURL: cloudFormation.url });
        await handler(event, { getRemainingTimeInMillis: () => 900_000, logStreamName: '2030/01/01/[$LATEST]abc' });
        expect(cloudFormation.bodies).toEqual([
          expect.objectContaining({
            body: expect.objectContaining({
              Status: 'FAILED',
              // A failed Create gets an id of its own, so the rollback's Delete touches nothing.
              PhysicalResourceId: `failed-${event.RequestId}`,
              Reason: expect.stringMatching(
                /^The gossip key in .* is not 32 bytes in base64\. .* \(log stream 2030\/01\/01\/\[\$LATEST\]abc\)$/,
              ),
            }),
          }),
        ]);
      } finally {
        await cloudFormation.close();
      }
    });

    it('answers FAILED before the function times out, when the work takes too long', async () => {
      const cloudFormation = await responseCollector();
      try {
        const event = requestEvent('Create', PROPERTIES, { ResponseURL: cloudFormation.url });
        // Work that never ends, in a function with 15.1 s left: the runtime answers at 15 s before the end.
        const never = customResourceHandler(() => new Promise(() => undefined));
        await never(event, { getRemainingTimeInMillis: () => 15_100 });
        expect(cloudFormation.bodies).toEqual([
          expect.objectContaining({
            body: expect.objectContaining({
              Status: 'FAILED',
              Reason: 'timed out before the work was done; see the function log for progress',
            }),
          }),
        ]);
      } finally {
        await cloudFormation.close();
      }
    });
  });
});
