import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerBundleDir } from '../../src/security/handler-function';
import { PLACEHOLDER, responseCollector } from './fakes';

/** Secrets Manager's JSON protocol, for the two calls the handler makes. */
function fakeSecretsManager(values: Map<string, string>) {
  return createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId: string; SecretString?: string };
      const target = String(req.headers['x-amz-target']);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'secretsmanager.GetSecretValue') {
        res.end(JSON.stringify({ ARN: body.SecretId, SecretString: values.get(body.SecretId) }));
      } else if (target === 'secretsmanager.PutSecretValue') {
        values.set(body.SecretId, body.SecretString ?? '');
        res.end(JSON.stringify({ ARN: body.SecretId }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'UnknownOperationException' }));
      }
    });
  });
}

/**
 * The bundles in lib/lambda are what Lambda runs: self-contained (their own AWS SDK), loadable by
 * plain Node, exporting `handler`. The key-material one runs end to end here against a local
 * Secrets Manager endpoint and answers a local "CloudFormation".
 */
describe('bundled handlers (lib/lambda)', () => {
  const values = new Map<string, string>();
  const server = fakeSecretsManager(values);
  let endpoint = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Runs `node -e` with the bundle, outside vitest's module loader, as Lambda would load it. */
  const node = (script: string, env: Record<string, string> = {}): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', script],
        { env: { PATH: process.env.PATH, ...env } },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      );
    });

  it.each(['cluster-secrets', 'acl-bootstrap', 'nomad-job', 'nomad-image'] as const)(
    '%s loads on its own and exports handler',
    async (name) => {
      const bundle = join(handlerBundleDir(name), 'index.js');
      expect(await node(`console.log(typeof require(${JSON.stringify(bundle)}).handler)`)).toBe('function\n');
    },
  );

  it.each([
    'cluster-secrets',
    'acl-bootstrap',
    'nomad-job',
    'nomad-image',
    'certificate-renewal',
    'node-drain',
    'snapshot',
  ] as const)('%s holds the Nomad client alone: no HCL parser, no job model, no full zod', (name) => {
    const bundle = readFileSync(join(handlerBundleDir(name), 'index.js'), 'utf8');
    // The HCL parser stub (src/handlers/bundling) says so when it is bundled; the job model renders HCL.
    expect(bundle).not.toContain('the HCL parser is not part of this Lambda bundle');
    expect(bundle).not.toContain('hcl2json');
    expect(bundle).not.toContain('toHclBlock');
    // zod's English locale: only the full zod carries it (the contracts use zod/mini).
    expect(bundle).not.toContain('Too small: expected');
  });

  it('cluster-secrets creates the key material through the Secrets Manager API and answers CloudFormation', async () => {
    const arns = ['ca', 'ca-cert', 'server', 'client', 'gossip'].map(
      (name) => `arn:aws:secretsmanager:eu-west-1:1:secret:${name}`,
    );
    for (const arn of arns) {
      values.set(arn, PLACEHOLDER);
    }
    const [ca, caCertificate, server, client, gossip] = arns as [string, string, string, string, string];
    const cloudFormation = await responseCollector();
    try {
      const event = {
        RequestType: 'Create',
        ResponseURL: cloudFormation.url,
        StackId: 'stack',
        RequestId: 'request',
        LogicalResourceId: 'KeyMaterial',
        ResourceType: 'Custom::NomadClusterSecrets',
        ResourceProperties: {
          CaSecretArn: ca,
          CaCertificateSecretArn: caCertificate,
          ServerTlsSecretArn: server,
          ClientTlsSecretArn: client,
          GossipKeySecretArn: gossip,
          NomadRegion: 'global',
          CaValidityDays: '3650',
          CertificateValidityDays: '365',
        },
      };
      const bundle = join(handlerBundleDir('cluster-secrets'), 'index.js');
      await node(
        `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 900000 })`,
        {
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
        },
      );
      expect(cloudFormation.bodies).toEqual([
        expect.objectContaining({
          body: expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: `nomad-cluster-secrets:${ca}` }),
        }),
      ]);
      const authority = new X509Certificate(values.get(caCertificate) ?? '');
      const leaf = new X509Certificate((JSON.parse(values.get(server) ?? '{}') as { certificate: string }).certificate);
      expect(leaf.verify(authority.publicKey)).toBe(true);
      expect(values.get(gossip)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    } finally {
      await cloudFormation.close();
    }
  });

  it.each([
    ['nomad-job', 'Custom::NomadJob', 'failed-request-1', { Stage: 'delete', EvaluationId: '' }],
    ['nomad-image', 'Custom::NomadImage', 'repo:tag', { Stage: 'delete' }],
  ] as const)(
    '%s answers the provider framework from the bundle (a Delete with nothing to do)',
    async (name, type, physicalId, state) => {
      const properties =
        name === 'nomad-job'
          ? {
              ServerTagKey: 'NomadServerJoin',
              ServerTagValue: 'prod',
              NomadRegion: 'global',
              HttpPort: '4646',
              CaCertificateSecretArn: 'arn:ca',
              TokenSecretArn: 'arn:token',
              JobId: 'web',
              Namespace: 'default',
              JobType: 'service',
              Periodic: 'false',
              Parameterized: 'false',
              Job: '{"Job":{"ID":"web"}}',
              Purge: 'false',
              TimeoutSeconds: '1800',
            }
          : {
              SourceRepositoryName: 'assets',
              Tag: 'tag',
              TargetRepositoryName: 'repo',
              Platform: 'linux/amd64',
              ScanGate: 'true',
              FailOnSeverity: 'CRITICAL',
              TimeoutSeconds: '1200',
            };
      const event = {
        RequestType: 'Delete',
        ResponseURL: 'https://example.invalid/response',
        StackId: 'stack',
        RequestId: 'request',
        LogicalResourceId: 'Resource',
        ResourceType: type,
        PhysicalResourceId: physicalId,
        ResourceProperties: properties,
      };
      const bundle = join(handlerBundleDir(name), 'index.js');
      // The handler logs JSON lines too: its answer is the last line.
      const run = async (payload: unknown) =>
        (
          await node(
            `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(payload)}).then((r) => console.log(JSON.stringify(r)))`,
            { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
          )
        )
          .trim()
          .split('\n')
          .at(-1) ?? '';
      const started = JSON.parse(await run(event)) as Record<string, unknown>;
      expect(started).toMatchObject({
        PhysicalResourceId: physicalId,
        [name === 'nomad-job' ? 'NomadJob' : 'NomadImage']: state,
      });
      expect(JSON.parse(await run({ ...event, ...started }))).toEqual({ IsComplete: true });
    },
  );
});
