import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotInput } from '../../src/cluster/snapshot-contract';
import { createCa, createLeaf } from '../../src/handlers/certificates';
import { handler, saveSnapshot } from '../../src/handlers/snapshot';
import { captureLogs, FakeSecrets } from './fakes';

const TOKEN = 'c0ffee00-0000-4000-8000-000000000002';
const INPUT: SnapshotInput = {
  serverTagKey: 'NomadServerJoin',
  serverTagValue: 'prod',
  httpPort: 4646,
  nomadRegion: 'global',
  caSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:CaCertificate',
  tokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:SnapshotToken',
  bucketName: 'prod-snapshots',
  prefix: 'snapshots/',
};

describe('snapshot handler', () => {
  const ec2 = mockClient(EC2Client);
  const s3 = mockClient(S3Client);
  let server: Server;
  let port: number;
  let secrets: FakeSecrets;
  let logs: ReturnType<typeof captureLogs>;
  /** What the fake server answers on GET /v1/operator/snapshot: a gzipped archive, as Nomad sends it. */
  let snapshot: Buffer;
  let seen: { path: string; token?: string }[];

  beforeEach(async () => {
    logs = captureLogs();
    seen = [];
    // Binary content with every byte value: a text decode on the way would corrupt it.
    snapshot = gzipSync(Buffer.concat([Buffer.from('raft state '), randomBytes(4096)]));
    const ca = await createCa({ commonName: 'Nomad Agent CA (global)', validityDays: 30 });
    const leaf = await createLeaf({
      ca,
      commonName: 'server.global.nomad',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 7,
    });
    // Nomad's snapshot endpoint (api-docs/operator/snapshot): application/x-gzip, X-Nomad-Index.
    server = createServer({ key: leaf.privateKey, cert: leaf.certificate }, (req, res) => {
      const token = req.headers['x-nomad-token'];
      seen.push({ path: req.url ?? '', token: typeof token === 'string' ? token : undefined });
      if (token !== TOKEN) {
        res.writeHead(403).end('Permission denied');
        return;
      }
      if (req.method === 'GET' && req.url?.startsWith('/v1/operator/snapshot')) {
        res.writeHead(200, { 'content-type': 'application/x-gzip', 'x-nomad-index': '1234' }).end(snapshot);
        return;
      }
      res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
    secrets = new FakeSecrets({
      [INPUT.caSecretArn]: ca.certificate,
      [INPUT.tokenSecretArn]: JSON.stringify({ accessorId: 'a-2', secretId: TOKEN }),
    });
    ec2.reset();
    s3.reset();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ PrivateIpAddress: '10.0.1.4' }] }] });
    s3.on(PutObjectCommand).resolves({});
  });
  afterEach(async () => {
    logs.restore();
    secrets.restore();
    await new Promise((resolve) => server.close(resolve));
  });

  const clients = () => ({ secrets: secrets.client, ec2: new EC2Client({}), s3: new S3Client({}) });
  const options = { addressOf: () => `https://127.0.0.1:${port}`, now: () => new Date('2026-12-07T12:00:00.000Z') };

  it('stores the snapshot byte for byte, named after its time and raft index, with a SHA-256 checksum', async () => {
    const saved = await saveSnapshot(INPUT, clients(), options);
    expect(saved).toEqual({
      key: 'snapshots/2026-12-07T12-00-00-000Z-index-1234.snap',
      index: 1234,
      bytes: snapshot.length,
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'prod-snapshots',
      Key: saved.key,
      ContentType: 'application/x-gzip',
      ChecksumAlgorithm: 'SHA256',
      Metadata: { 'nomad-raft-index': '1234' },
    });
    expect(Buffer.compare(put?.Body as Buffer, snapshot)).toBe(0);
    // With the snapshot token, and nothing secret in the log.
    expect(seen).toEqual([{ path: '/v1/operator/snapshot', token: TOKEN }]);
    expect(logs.lines.join('\n')).not.toContain(TOKEN);
  });

  it('fails, storing nothing, when no server runs or the server refuses the token', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    await expect(saveSnapshot(INPUT, clients(), options)).rejects.toThrow(
      'no Nomad server of prod runs: no snapshot taken',
    );
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ PrivateIpAddress: '10.0.1.4' }] }] });
    secrets.values.set(INPUT.tokenSecretArn, JSON.stringify({ accessorId: 'a-2', secretId: 'revoked' }));
    await expect(saveSnapshot(INPUT, clients(), options)).rejects.toThrow(/403/);
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
  });

  it('fails when S3 refuses the object', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(saveSnapshot(INPUT, clients(), options)).rejects.toThrow('Access Denied');
  });

  it('rejects a schedule input that is not the contract the construct sends', async () => {
    await expect(handler({ ...INPUT, prefix: 'no-slash' })).rejects.toThrow(/prefix/);
  });
});
