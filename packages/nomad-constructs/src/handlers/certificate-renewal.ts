import { X509Certificate } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CertificateRenewalInput } from '../security/certificate-renewal-contract';
import { isPlaceholder, type TlsSecretValue } from '../security/secret-formats';
import { caProblem, notAfter } from './certificates';
import { log } from './custom-resource';
import { caBundle, issueNodeTls, NODE_ROLES, type NodeRole, parseCa } from './node-tls';
import { readSecret, writeSecret } from './secrets-manager';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What happened to one role's certificate. */
export interface RoleRenewal {
  readonly role: NodeRole;
  readonly action: 'renewed' | 'kept' | 'not-issued-yet';
  /** The expiry of the certificate the secret holds afterwards. */
  readonly notAfter?: string;
  /** The expiry of the certificate it replaced, when renewed. */
  readonly replacedNotAfter?: string;
}

/**
 * Renews the servers' and the clients' certificates before they expire (the scheduled
 * `certificate-renewal` function), under the stable cluster CA:
 *
 * - a certificate with fewer than `renewBeforeDays` left is replaced in its secret by a new one. The
 *   old one stays valid until its own expiry, and both chain to the same CA, so nodes that still
 *   present the old one (a node offline, or not yet refreshed) and nodes with the new one keep
 *   talking: the overlap is `renewBeforeDays`. Nodes pick the new one up within an hour (their
 *   `nomad-tls-refresh` timer) and reload Nomad's TLS with SIGHUP, without a replacement;
 * - a secret the deploy has not filled yet is left alone (the key-material resource issues it);
 * - a CA that cannot sign any more is an error (CloudWatch counts the function's errors; the
 *   expiry alarm fires before the nodes' certificates run out): it is never replaced here.
 *
 * Nothing secret is logged; the result holds dates only.
 */
export async function renewCertificates(
  input: CertificateRenewalInput,
  client: SecretsManagerClient,
  now = new Date(),
): Promise<RoleRenewal[]> {
  const results: RoleRenewal[] = [];
  let ca: ReturnType<typeof parseCa> | undefined;
  for (const role of NODE_ROLES) {
    const arn = role === 'server' ? input.serverTlsSecretArn : input.clientTlsSecretArn;
    const stored = await readSecret(client, arn);
    if (stored === undefined || isPlaceholder(stored)) {
      log('info', `the ${role} certificate is not issued yet: the deploy issues it`, { role });
      results.push({ role, action: 'not-issued-yet' });
      continue;
    }
    const current = currentExpiry(stored);
    const daysLeft = current === undefined ? 0 : (current.getTime() - now.getTime()) / DAY_MS;
    if (current !== undefined && daysLeft >= input.renewBeforeDays) {
      log('info', `kept the ${role} certificate`, { role, notAfter: current.toISOString(), daysLeft });
      results.push({ role, action: 'kept', notAfter: current.toISOString() });
      continue;
    }
    ca ??= await readCa(client, input, now);
    const value = await issueNodeTls({
      ca,
      role,
      region: input.nomadRegion,
      validityDays: input.certificateValidityDays,
      now,
    });
    await writeSecret(client, arn, JSON.stringify(value));
    const issued = notAfter(value.certificate);
    log('info', `renewed the ${role} certificate`, {
      role,
      notAfter: issued,
      replacedNotAfter: current?.toISOString(),
      daysLeft,
    });
    results.push({ role, action: 'renewed', notAfter: issued, replacedNotAfter: current?.toISOString() });
  }
  if (ca !== undefined) {
    // The bundle `nomad-constructs env` hands out follows the CA secret (a CA rotation in progress).
    const bundle = caBundle(ca);
    await writeSecret(
      client,
      input.caCertificateSecretArn,
      bundle,
      await readSecret(client, input.caCertificateSecretArn),
    );
  }
  return results;
}

async function readCa(
  client: SecretsManagerClient,
  input: CertificateRenewalInput,
  now: Date,
): Promise<ReturnType<typeof parseCa>> {
  const ca = parseCa((await readSecret(client, input.caSecretArn)) ?? '', input.caSecretArn);
  const problem = caProblem(ca, input.certificateValidityDays, now);
  if (problem !== undefined) {
    throw new Error(
      `The cluster CA in ${input.caSecretArn} cannot sign the renewed certificates: ${problem}. Nodes keep their current certificates until they expire; follow "Rotating the CA" in the @org/nomad-constructs README.`,
    );
  }
  return ca;
}

/** The expiry of the certificate a TLS secret holds, or undefined when it holds none that parses. */
function currentExpiry(stored: string): Date | undefined {
  try {
    const value = JSON.parse(stored) as Partial<TlsSecretValue>;
    return typeof value.certificate === 'string' ? new Date(new X509Certificate(value.certificate).validTo) : undefined;
  } catch {
    return undefined;
  }
}

/** The Lambda entry point: the EventBridge schedule's input is the event. */
export async function handler(event: unknown): Promise<RoleRenewal[]> {
  return renewCertificates(CertificateRenewalInput.parse(event), new SecretsManagerClient({}));
}
