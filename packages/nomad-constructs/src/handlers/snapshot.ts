import { EC2Client } from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SnapshotInput } from '../cluster/snapshot-contract';
import { log } from './custom-resource';
import { type ConnectionClients, type ConnectionOptions, endpointOf, NomadConnection } from './nomad-connection';

/** The largest snapshot the function keeps (it holds one in memory; the function has 1 GiB). */
export const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

export interface SnapshotClients extends ConnectionClients {
  readonly s3: S3Client;
}

/** The object a snapshot was saved as. */
export interface SavedSnapshot {
  readonly key: string;
  /** The raft index the snapshot was taken at (`X-Nomad-Index`). */
  readonly index: number | undefined;
  readonly bytes: number;
}

/**
 * `nomad operator snapshot save`, on a schedule (the `snapshot` function): asks a server for a
 * snapshot of the cluster state (with a token that has `operator { capabilities =
 * ["snapshot-save"] }` and nothing else) and stores it, as Nomad sent it (a gzipped archive whose
 * contents Nomad checks with SHA-256 on restore), in the cluster's encrypted bucket under
 * `<prefix><time>-index-<raft index>.snap`, with an S3 SHA-256 checksum. Lifecycle rules on the
 * bucket expire old snapshots. Any failure throws (the function's errors are alarmed on).
 */
export async function saveSnapshot(
  input: SnapshotInput,
  clients: SnapshotClients,
  options: ConnectionOptions & { readonly now?: () => Date } = {},
): Promise<SavedSnapshot> {
  const connection = await NomadConnection.open(endpointOf(input), clients, {
    maxResponseBytes: MAX_SNAPSHOT_BYTES,
    ...options,
  });
  if (connection === undefined) {
    throw new Error(`no Nomad server of ${input.serverTagValue} runs: no snapshot taken`);
  }
  try {
    const { data, index } = await connection.call((client) => client.saveSnapshot(), { failover: true });
    if (data.length === 0) {
      throw new Error('the server answered an empty snapshot');
    }
    const time = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const key = `${input.prefix}${time}-index-${index ?? 'unknown'}.snap`;
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: input.bucketName,
        Key: key,
        Body: data,
        ContentType: 'application/x-gzip',
        ChecksumAlgorithm: 'SHA256',
        Metadata: { 'nomad-raft-index': String(index ?? '') },
      }),
    );
    log('info', 'saved a Nomad snapshot', { bucket: input.bucketName, key, index, bytes: data.length });
    return { key, index, bytes: data.length };
  } finally {
    connection.close();
  }
}

/** The Lambda entry point: the schedule's input is the event. */
export async function handler(event: unknown): Promise<SavedSnapshot> {
  return saveSnapshot(SnapshotInput.parse(event), {
    secrets: new SecretsManagerClient({}),
    ec2: new EC2Client({}),
    s3: new S3Client({}),
  });
}
