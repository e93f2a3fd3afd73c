import { randomBytes } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NomadClusterSecretsProperties } from '../security/cluster-secrets-contract';
import { type CaSecretValue, GOSSIP_KEY_PATTERN, isPlaceholder } from '../security/secret-formats';
import { caProblem, createCa, fingerprint, notAfter } from './certificates';
import {
  CustomResourceError,
  type CustomResourceEvent,
  type CustomResourceResult,
  customResourceHandler,
  log,
  parseProperties,
} from './custom-resource';
import { caBundle, issueNodeTls, NODE_ROLES, parseCa } from './node-tls';
import { readSecret, writeSecret } from './secrets-manager';

/**
 * The key material of a cluster (`Custom::NomadClusterSecrets`), generated at deploy time and kept
 * in Secrets Manager only:
 *
 * - the cluster CA, created once and then kept: a new CA would make every node reject the others'
 *   certificates. A CA that cannot be used (corrupt, expiring) is an error, never replaced silently;
 * - the servers' and the clients' certificates, issued anew on every Create and Update (every deploy
 *   that changes the nodes), and picked up by instances when they are replaced;
 * - the gossip encryption key, 32 random bytes, created once and then kept.
 *
 * The response `Data` holds fingerprints and dates only.
 */
export async function clusterSecrets(
  event: CustomResourceEvent,
  client: SecretsManagerClient,
  now = new Date(),
): Promise<CustomResourceResult> {
  if (event.RequestType === 'Delete') {
    // The secrets are CloudFormation resources of their own: the CA, gossip key and management token are retained.
    // Nothing is read from the properties: the Delete after a Create that failed on them succeeds too.
    log('info', 'nothing to delete: the secrets are resources of the stack');
    return { physicalResourceId: event.PhysicalResourceId ?? `failed-${event.RequestId}` };
  }
  const props = parseProperties(NomadClusterSecretsProperties, event);
  const caSecretArn = props.CaSecretArn;
  const physicalResourceId = `nomad-cluster-secrets:${caSecretArn}`;
  const region = props.NomadRegion;
  const caValidityDays = props.CaValidityDays;
  const certificateValidityDays = props.CertificateValidityDays;

  const ca = await ensureCa(client, caSecretArn, region, caValidityDays, certificateValidityDays, now);
  const bundle = caBundle(ca);
  const caCertificateArn = props.CaCertificateSecretArn;
  await writeSecret(client, caCertificateArn, bundle, await readSecret(client, caCertificateArn));

  const issued: Record<string, string> = {};
  for (const role of NODE_ROLES) {
    const value = await issueNodeTls({ ca, role, region, validityDays: certificateValidityDays, now });
    await writeSecret(
      client,
      role === 'server' ? props.ServerTlsSecretArn : props.ClientTlsSecretArn,
      JSON.stringify(value),
    );
    issued[role] = notAfter(value.certificate);
  }

  await ensureGossipKey(client, props.GossipKeySecretArn);
  return {
    physicalResourceId,
    data: {
      CaFingerprint: fingerprint(ca.certificate),
      CaNotAfter: notAfter(ca.certificate),
      ServerCertificateNotAfter: issued.server ?? '',
      ClientCertificateNotAfter: issued.client ?? '',
    },
  };
}

async function ensureCa(
  client: SecretsManagerClient,
  secretArn: string,
  region: string,
  caValidityDays: number,
  certificateValidityDays: number,
  now: Date,
): Promise<CaSecretValue> {
  const stored = await readSecret(client, secretArn);
  if (isPlaceholder(stored)) {
    const created = await createCa({ commonName: `Nomad Agent CA (${region})`, validityDays: caValidityDays, now });
    const value: CaSecretValue = { certificate: created.certificate, privateKey: created.privateKey };
    await writeSecret(client, secretArn, JSON.stringify(value));
    log('info', 'created the cluster CA', {
      fingerprint: fingerprint(created.certificate),
      notAfter: notAfter(created.certificate),
    });
    return value;
  }
  const ca = parseCa(stored ?? '', secretArn);
  const problem = caProblem(ca, certificateValidityDays, now);
  if (problem !== undefined) {
    throw new CustomResourceError(
      `The cluster CA in ${secretArn} cannot sign certificates: ${problem}. It is never replaced automatically, since nodes that trust the old CA would reject the new certificates and the cluster would split: follow "Rotating the CA" in the @org/nomad-constructs README.`,
    );
  }
  log('info', 'kept the cluster CA', { fingerprint: fingerprint(ca.certificate), notAfter: notAfter(ca.certificate) });
  return ca;
}

async function ensureGossipKey(client: SecretsManagerClient, secretArn: string): Promise<void> {
  const stored = await readSecret(client, secretArn);
  if (isPlaceholder(stored)) {
    await writeSecret(client, secretArn, randomBytes(32).toString('base64'));
    log('info', 'created the gossip encryption key');
    return;
  }
  if (!GOSSIP_KEY_PATTERN.test(stored ?? '')) {
    throw new CustomResourceError(
      `The gossip key in ${secretArn} is not 32 bytes in base64. It is never replaced automatically, since servers with another key cannot gossip with the others: put the cluster's current key back (nomad operator gossip keyring list), or follow "Rotating the gossip key" in the @org/nomad-constructs README.`,
    );
  }
  log('info', 'kept the gossip encryption key');
}

/** The Lambda entry point. */
export const handler = customResourceHandler((event) => clusterSecrets(event, new SecretsManagerClient({})));
