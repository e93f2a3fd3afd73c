import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HeadObjectCommand, NotFound, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import * as openpgp from 'openpgp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactStagingProperties } from '../../src/artifacts/artifact-contract';
import { handler, SHA256_METADATA, type StagingOptions, stageArtifacts } from '../../src/handlers/artifact-staging';
import { type CustomResourceEvent, customResourceHandler } from '../../src/handlers/custom-resource';
import { HASHICORP_SIGNING_KEY } from '../../src/versions';
import { captureLogs, requestEvent, responseCollector } from './fakes';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

interface Key {
  readonly armored: string;
  readonly privateKey: openpgp.PrivateKey;
  readonly fingerprint: string;
}

async function generateKey(name: string): Promise<Key> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email: `${name}@example.com` }],
    format: 'object',
  });
  return { armored: publicKey.armor(), privateKey, fingerprint: privateKey.getFingerprint().toUpperCase() };
}

/** A detached binary signature, as HashiCorp publishes `<product>_<version>_SHA256SUMS.sig`. */
async function sign(data: string, key: Key): Promise<Buffer> {
  const signature = await openpgp.sign({
    message: await openpgp.createMessage({ binary: Buffer.from(data) }),
    signingKeys: key.privateKey,
    detached: true,
    format: 'binary',
  });
  return Buffer.from(signature as Uint8Array);
}

type Route = { status: number; body: Buffer | string } | 'hang';

/**
 * A loopback stand-in for releases.hashicorp.com, www.hashicorp.com and GitHub's release downloads:
 * files by path, and an event for every request (so a test can act once a request has arrived).
 */
class FakeReleases {
  public readonly routes = new Map<string, Route>();
  public readonly requests: string[] = [];
  public readonly server: Server;
  private readonly hanging: ServerResponse[] = [];
  private port = 0;

  public constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '/';
      this.requests.push(path);
      this.server.emit('fake-request', path);
      const route = this.routes.get(path);
      if (route === 'hang') {
        this.hanging.push(res);
        return;
      }
      if (route === undefined) {
        res.writeHead(404).end('Not Found');
        return;
      }
      res.writeHead(route.status, { 'content-type': 'application/octet-stream' }).end(route.body);
    });
  }

  public async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  public url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves when a request for the path arrives. */
  public requested(path: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (seen: string) => {
        if (seen === path) {
          this.server.off('fake-request', listener);
          resolve();
        }
      };
      this.server.on('fake-request', listener);
    });
  }

  public async stop(): Promise<void> {
    for (const res of this.hanging) {
      res.destroy();
    }
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

describe('artifact staging handler', () => {
  const releases = new FakeReleases();
  const s3 = mockClient(S3Client);
  let trusted: Key;
  let other: Key;
  let logs: ReturnType<typeof captureLogs>;
  /** What S3 holds, by key: the metadata written with each object. */
  let objects: Map<string, { body: Buffer; metadata: Record<string, string>; checksum: string }>;

  const NOMAD_ZIP = Buffer.from('PK fake nomad 1.2.3 archive');
  const CNI_TGZ = Buffer.from('fake cni plugins archive');
  const nomadName = 'nomad_1.2.3_linux_arm64.zip';
  const sumsPath = '/nomad/1.2.3/nomad_1.2.3_SHA256SUMS';
  const sums = `${sha256('other')}  nomad_1.2.3_darwin_arm64.zip\n${sha256(NOMAD_ZIP)}  ${nomadName}\n`;

  const properties = (overrides: Partial<ArtifactStagingProperties> = {}): ArtifactStagingProperties => ({
    bucketName: 'artifacts-bucket',
    signingKey: { url: releases.url('/.well-known/pgp-key.txt'), fingerprint: trusted.fingerprint },
    artifacts: [
      {
        fileName: nomadName,
        url: releases.url(`/nomad/1.2.3/${nomadName}`),
        key: `artifacts/nomad/1.2.3/${nomadName}`,
        sha256: sha256(NOMAD_ZIP),
        signedSums: { url: releases.url(sumsPath), signatureUrl: releases.url(`${sumsPath}.sig`) },
      },
      {
        fileName: 'cni-plugins-linux-arm64-v1.9.1.tgz',
        url: releases.url('/cni/v1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz'),
        key: 'artifacts/cni-plugins/1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz',
        sha256: sha256(CNI_TGZ),
      },
    ],
    ...overrides,
  });

  /** Runs the handler as Lambda would (the custom resource runtime) and returns what CloudFormation received. */
  const run = async (event: CustomResourceEvent, options: StagingOptions = {}) => {
    const responses: Record<string, unknown>[] = [];
    const lambda = customResourceHandler(
      (request) => stageArtifacts(request, new S3Client({ region: 'eu-west-1' }), { retryDelayMs: 0, ...options }),
      async (_url, body) => {
        responses.push(JSON.parse(body));
      },
    );
    await lambda(event, { getRemainingTimeInMillis: () => 900_000 });
    expect(responses).toHaveLength(1);
    return responses[0] as {
      Status: string;
      Reason?: string;
      PhysicalResourceId: string;
      Data?: Record<string, string>;
    };
  };

  beforeAll(async () => {
    [trusted, other] = await Promise.all([generateKey('trusted'), generateKey('other')]);
    await releases.start();
  });

  afterAll(async () => {
    await releases.stop();
    s3.restore();
  });

  beforeEach(async () => {
    logs = captureLogs();
    releases.routes.clear();
    releases.requests.length = 0;
    releases.routes.set('/.well-known/pgp-key.txt', { status: 200, body: trusted.armored });
    releases.routes.set(sumsPath, { status: 200, body: sums });
    releases.routes.set(`${sumsPath}.sig`, { status: 200, body: await sign(sums, trusted) });
    releases.routes.set(`/nomad/1.2.3/${nomadName}`, { status: 200, body: NOMAD_ZIP });
    releases.routes.set('/cni/v1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz', { status: 200, body: CNI_TGZ });
    objects = new Map();
    s3.reset();
    s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
      const object = objects.get(input.Key);
      if (object === undefined) {
        throw new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } });
      }
      return { Metadata: object.metadata };
    });
    s3.on(PutObjectCommand).callsFake(
      (input: { Key: string; Body: Buffer; Metadata: Record<string, string>; ChecksumSHA256: string }) => {
        objects.set(input.Key, { body: input.Body, metadata: input.Metadata, checksum: input.ChecksumSHA256 });
        return {};
      },
    );
  });

  afterEach(() => {
    logs.restore();
  });

  it('stages each file with its SHA-256 after checking the pin and HashiCorp’s signature', async () => {
    const response = await run(requestEvent('Create', properties()));
    expect(response.Status).toBe('SUCCESS');
    expect(response.PhysicalResourceId).toBe('s3://artifacts-bucket/artifacts');
    expect(response.Data).toEqual({
      Sha256nomad123linuxarm64zip: sha256(NOMAD_ZIP),
      Sha256cnipluginslinuxarm64v191tgz: sha256(CNI_TGZ),
    });
    const nomad = objects.get(`artifacts/nomad/1.2.3/${nomadName}`);
    expect(nomad?.body).toEqual(NOMAD_ZIP);
    expect(nomad?.metadata).toEqual({
      [SHA256_METADATA]: sha256(NOMAD_ZIP),
      source: releases.url(`/nomad/1.2.3/${nomadName}`),
    });
    // S3 refuses the upload if the bytes it received have another SHA-256.
    expect(nomad?.checksum).toBe(createHash('sha256').update(NOMAD_ZIP).digest('base64'));
    expect(objects.get('artifacts/cni-plugins/1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz')?.body).toEqual(CNI_TGZ);
  });

  it('is the Lambda entry point: answers CloudFormation on the pre-signed URL', async () => {
    const cloudFormation = await responseCollector();
    try {
      const event = requestEvent('Create', properties(), { ResponseURL: cloudFormation.url });
      await handler(event, { getRemainingTimeInMillis: () => 900_000 });
      expect(cloudFormation.bodies).toEqual([
        expect.objectContaining({ method: 'PUT', body: expect.objectContaining({ Status: 'SUCCESS' }) }),
      ]);
    } finally {
      await cloudFormation.close();
    }
  });

  it('downloads nothing already staged with the expected SHA-256 (an Update that changes nothing else)', async () => {
    await run(requestEvent('Create', properties()));
    const puts = s3.commandCalls(PutObjectCommand).length;
    releases.requests.length = 0;
    const response = await run(requestEvent('Update', properties(), { OldResourceProperties: properties() }));
    expect(response.Status).toBe('SUCCESS');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(puts);
    // The signed sums are checked again (they decide the expected SHA-256); the archives are not downloaded.
    expect(releases.requests).not.toContain(`/nomad/1.2.3/${nomadName}`);
    expect(releases.requests).not.toContain('/cni/v1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz');
  });

  it('replaces an object staged with another SHA-256', async () => {
    objects.set(`artifacts/nomad/1.2.3/${nomadName}`, {
      body: Buffer.from('old'),
      metadata: { [SHA256_METADATA]: sha256('old') },
      checksum: '',
    });
    const response = await run(requestEvent('Create', properties()));
    expect(response.Status).toBe('SUCCESS');
    expect(objects.get(`artifacts/nomad/1.2.3/${nomadName}`)?.body).toEqual(NOMAD_ZIP);
  });

  it('answers a Delete at once and leaves the objects', async () => {
    const response = await run(
      requestEvent('Delete', properties(), { PhysicalResourceId: 's3://artifacts-bucket/artifacts' }),
    );
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 's3://artifacts-bucket/artifacts' });
    expect(s3.calls()).toHaveLength(0);
    expect(releases.requests).toEqual([]);
  });

  it('answers a Delete even with properties it cannot read', async () => {
    const response = await run(requestEvent('Delete', { bucketName: 7 }));
    expect(response.Status).toBe('SUCCESS');
  });

  it('uses the SHA256SUMS signature alone for a version without a pin, and returns the verified sum', async () => {
    const [nomad] = properties().artifacts;
    const response = await run(
      requestEvent('Create', properties({ artifacts: [{ ...nomad, sha256: undefined } as never] })),
    );
    expect(response.Status).toBe('SUCCESS');
    expect(response.Data).toEqual({ Sha256nomad123linuxarm64zip: sha256(NOMAD_ZIP) });
  });

  describe('fails the deploy, stages nothing for the file, and says why', () => {
    it('rejects SHA256SUMS signed by another key, even when the key file also holds the pinned key', async () => {
      releases.routes.set('/.well-known/pgp-key.txt', { status: 200, body: trusted.armored + other.armored });
      releases.routes.set(`${sumsPath}.sig`, { status: 200, body: await sign(sums, other) });
      const response = await run(requestEvent('Create', properties()));
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toMatch(
        new RegExp(
          `^the signature of nomad_1\\.2\\.3_SHA256SUMS does not verify with HashiCorp's key ${trusted.fingerprint}: .+\\. Nothing was staged for ${nomadName.replace(/\./g, '\\.')}\\.$`,
        ),
      );
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('rejects, with HashiCorp’s real key file and fingerprint, SHA256SUMS signed by any other key', async () => {
      // HashiCorp's public key as https://www.hashicorp.com/.well-known/pgp-key.txt serves it.
      const real = readFileSync(join(__dirname, '..', 'fixtures', 'hashicorp-release-key.asc'), 'utf8');
      releases.routes.set('/.well-known/pgp-key.txt', { status: 200, body: real });
      const response = await run(
        requestEvent(
          'Create',
          properties({
            signingKey: {
              url: releases.url('/.well-known/pgp-key.txt'),
              fingerprint: HASHICORP_SIGNING_KEY.fingerprint,
            },
          }),
        ),
      );
      expect(response.Status).toBe('FAILED');
      // The key file was read and the key found by the pinned fingerprint; the test's signature is not HashiCorp's.
      expect(response.Reason).toContain(
        "the signature of nomad_1.2.3_SHA256SUMS does not verify with HashiCorp's key C874011F0AB405110D02105534365D9472D7468F",
      );
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('rejects SHA256SUMS changed after signing', async () => {
      releases.routes.set(sumsPath, { status: 200, body: sums.replace(sha256(NOMAD_ZIP), sha256('evil')) });
      const response = await run(requestEvent('Create', properties()));
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toContain('the signature of nomad_1.2.3_SHA256SUMS does not verify');
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('rejects a key file without the pinned fingerprint', async () => {
      releases.routes.set('/.well-known/pgp-key.txt', { status: 200, body: other.armored });
      const response = await run(requestEvent('Create', properties()));
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toBe(
        `${releases.url('/.well-known/pgp-key.txt')} holds no key with the fingerprint ${trusted.fingerprint} (found ${other.fingerprint})`,
      );
    });

    it('rejects a signed SHA256SUMS that disagrees with the pinned sum', async () => {
      const pinned = sha256('what versions.ts says');
      const [nomad] = properties().artifacts;
      const response = await run(
        requestEvent('Create', properties({ artifacts: [{ ...nomad, sha256: pinned } as never] })),
      );
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toBe(
        `${nomadName}: HashiCorp's signed SHA256SUMS lists ${sha256(NOMAD_ZIP)}, but the version pinned in @org/nomad-constructs is ${pinned}. Nothing was staged for it; check the release before changing the pin.`,
      );
    });

    it('rejects a download whose SHA-256 is not the pinned one (the CNI plugins: no signature)', async () => {
      releases.routes.set('/cni/v1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz', { status: 200, body: 'tampered' });
      const response = await run(requestEvent('Create', properties()));
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toBe(
        `checksum mismatch for cni-plugins-linux-arm64-v1.9.1.tgz from ${releases.url('/cni/v1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz')}: expected ${sha256(CNI_TGZ)}, received ${sha256('tampered')}. Nothing was staged for it.`,
      );
      expect(objects.has('artifacts/cni-plugins/1.9.1/cni-plugins-linux-arm64-v1.9.1.tgz')).toBe(false);
    });

    it('reports a download that answers 404, without retrying it', async () => {
      releases.routes.delete(`/nomad/1.2.3/${nomadName}`);
      const response = await run(requestEvent('Create', properties()));
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toBe(`cannot download ${releases.url(`/nomad/1.2.3/${nomadName}`)}: HTTP 404`);
      expect(releases.requests.filter((path) => path === `/nomad/1.2.3/${nomadName}`)).toHaveLength(1);
    });

    it('refuses a download that grows past the size the file can have (here the key file, 1 MiB at most)', async () => {
      releases.routes.set('/.well-known/pgp-key.txt', { status: 200, body: Buffer.alloc(1024 * 1024 + 1, 'a') });
      const response = await run(requestEvent('Create', properties()));
      expect(response.Reason).toBe(
        `cannot download ${releases.url('/.well-known/pgp-key.txt')}: more than the 1048576 bytes allowed`,
      );
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('retries a download that answers 5xx, and reports the last answer', async () => {
      releases.routes.set(`/nomad/1.2.3/${nomadName}`, { status: 503, body: 'Slow Down' });
      const response = await run(requestEvent('Create', properties()));
      expect(response.Reason).toBe(`cannot download ${releases.url(`/nomad/1.2.3/${nomadName}`)}: HTTP 503`);
      expect(releases.requests.filter((path) => path === `/nomad/1.2.3/${nomadName}`)).toHaveLength(3);
    });

    it('gives up a download that does not answer when its timeout fires', async () => {
      releases.routes.set(`/nomad/1.2.3/${nomadName}`, 'hang');
      const controller = new AbortController();
      // The timer is the test's: it fires once the request has reached the server.
      releases.requested(`/nomad/1.2.3/${nomadName}`).then(() => {
        controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      });
      const response = await run(requestEvent('Create', properties()), {
        timeoutSignal: (ms) => (ms === 300_000 ? controller.signal : AbortSignal.abort()),
      });
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toBe(
        `cannot download ${releases.url(`/nomad/1.2.3/${nomadName}`)}: timed out after 300 s`,
      );
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    });

    it('reports an upload S3 refused', async () => {
      s3.on(PutObjectCommand).rejects(
        new S3ServiceException({
          name: 'BadDigest',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'The sha256 you specified did not match the calculated checksum.',
        }),
      );
      const response = await run(requestEvent('Create', properties()));
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toBe(
        `cannot upload ${nomadName} to s3://artifacts-bucket/artifacts/nomad/1.2.3/${nomadName}: The sha256 you specified did not match the calculated checksum.`,
      );
    });

    it('reports a bucket it cannot read (not a missing object)', async () => {
      s3.on(HeadObjectCommand).rejects(
        new S3ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'Access Denied',
        }),
      );
      const response = await run(requestEvent('Create', properties()));
      expect(response.Reason).toBe(
        `cannot read s3://artifacts-bucket/artifacts/nomad/1.2.3/${nomadName}: Access Denied`,
      );
    });

    it('rejects properties with nothing to vouch for a file', async () => {
      const [, cni] = properties().artifacts;
      const response = await run(
        requestEvent('Create', properties({ artifacts: [{ ...cni, sha256: undefined } as never] })),
      );
      expect(response.Status).toBe('FAILED');
      expect(response.Reason).toMatch(
        /^the resource properties do not match what this handler reads \(artifacts\.0: expected the property artifacts\.0 to be a pinned sha256 or signedSums \(nothing would vouch for the file\), received \{"fileName":"cni-plugins-linux-arm64-v1\.9\.1\.tgz",/,
      );
    });
  });

  it('is configured with HashiCorp’s real key fingerprint by the construct (the tests use their own key)', () => {
    expect(HASHICORP_SIGNING_KEY).toEqual({
      url: 'https://www.hashicorp.com/.well-known/pgp-key.txt',
      fingerprint: 'C874011F0AB405110D02105534365D9472D7468F',
    });
  });
});
