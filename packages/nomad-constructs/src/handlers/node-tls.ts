import type { CaSecretValue, TlsSecretValue } from '../security/secret-formats';
import { type CertificateAndKey, createLeaf, fingerprint, notAfter } from './certificates';
import { CustomResourceError, log } from './custom-resource';

/**
 * The nodes' TLS material, shared by the key-material custom resource (issues it on deploys) and the
 * scheduled renewal (issues it before it expires): one definition of what a node certificate is.
 */

/** The two node roles, each with a certificate of its own (`server.<region>.nomad`, `client.<region>.nomad`). */
export const NODE_ROLES = ['server', 'client'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** The CA bundle every node trusts: the signing CA, then the additional trusted CAs (a CA rotation). */
export function caBundle(ca: CaSecretValue): string {
  return [ca.certificate, ...(ca.additionalTrustedCertificates ?? [])].map(endWithNewline).join('');
}

export interface IssueNodeTlsOptions {
  readonly ca: CaSecretValue;
  readonly role: NodeRole;
  readonly region: string;
  readonly validityDays: number;
  readonly now: Date;
}

/**
 * A node role's certificate and key with the CA bundle: the names Nomad checks
 * (`<role>.<region>.nomad`), `localhost` and `127.0.0.1` for the local API.
 */
export async function issueNodeTls(options: IssueNodeTlsOptions): Promise<TlsSecretValue> {
  const name = `${options.role}.${options.region}.nomad`;
  const leaf = await createLeaf({
    ca: options.ca,
    commonName: name,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    validityDays: options.validityDays,
    now: options.now,
  });
  log('info', `issued the ${options.role} certificate`, {
    name,
    notAfter: notAfter(leaf.certificate),
    fingerprint: fingerprint(leaf.certificate),
  });
  return { ca: caBundle(options.ca), certificate: leaf.certificate, privateKey: leaf.privateKey };
}

/** The CA secret's value, or a clear error saying what is wrong with it. */
export function parseCa(stored: string, secretArn: string): CaSecretValue {
  const invalid = (why: string) =>
    new CustomResourceError(
      `The cluster CA in ${secretArn} cannot be read: ${why}. Expected {"certificate": "<PEM>", "privateKey": "<PEM>", "additionalTrustedCertificates": ["<PEM>", ...]}; see "Rotating the CA" in the @org/nomad-constructs README.`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    throw invalid('it is not JSON');
  }
  const value = parsed as Partial<Record<keyof CaSecretValue, unknown>>;
  if (typeof value.certificate !== 'string' || typeof value.privateKey !== 'string') {
    throw invalid('certificate or privateKey is missing');
  }
  const extra = value.additionalTrustedCertificates ?? [];
  if (!Array.isArray(extra) || !extra.every((pem) => typeof pem === 'string' && isCertificate(pem))) {
    throw invalid('additionalTrustedCertificates is not a list of PEM certificates');
  }
  const ca: CertificateAndKey & CaSecretValue = {
    certificate: value.certificate,
    privateKey: value.privateKey,
    additionalTrustedCertificates: extra as string[],
  };
  return ca;
}

function isCertificate(pem: string): boolean {
  try {
    fingerprint(pem);
    return true;
  } catch {
    return false;
  }
}

function endWithNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}
