// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect polyfill first.
import 'reflect-metadata';
import { createPrivateKey, type KeyObject, X509Certificate as NodeX509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto implements the DOM `Crypto` interface @peculiar/x509 is typed against (no DOM types here).
x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/**
 * ECDSA P-256 with SHA-256, as `nomad tls ca create` and `nomad tls cert create` generate: small
 * keys, fast handshakes, and supported by every TLS client Nomad talks to.
 */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past, so a node whose clock is slightly behind accepts them. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** A certificate and its private key, PEM. */
export interface CertificateAndKey {
  readonly certificate: string;
  readonly privateKey: string;
}

export interface CaOptions {
  /** The subject common name. */
  readonly commonName: string;
  readonly validityDays: number;
  /** Now, for tests. */
  readonly now?: Date;
}

/**
 * A self-signed CA that may sign leaf certificates only (path length 0), as Nomad's own
 * `nomad tls ca create` makes.
 */
export async function createCa(options: CaOptions): Promise<CertificateAndKey> {
  const now = options.now ?? new Date();
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [options.commonName] }],
    keys,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + options.validityDays * DAY_MS),
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: `${certificate.toString('pem')}\n`, privateKey: await privateKeyPem(keys.privateKey) };
}

export interface LeafOptions {
  /** The CA that signs the certificate. */
  readonly ca: CertificateAndKey;
  /** The subject common name, also the first DNS name (`server.global.nomad`). */
  readonly commonName: string;
  /** DNS subject alternative names besides the common name. */
  readonly dnsNames: readonly string[];
  /** IP subject alternative names. */
  readonly ipAddresses: readonly string[];
  readonly validityDays: number;
  readonly now?: Date;
}

/**
 * A certificate for a Nomad agent: usable as a TLS server (HTTP API, RPC) and as a TLS client
 * (mutual TLS on RPC), with the names Nomad checks (`verify_server_hostname` wants
 * `server.<region>.nomad` on servers; `localhost` and `127.0.0.1` serve the local API and CLI).
 */
export async function createLeaf(options: LeafOptions): Promise<CertificateAndKey> {
  const now = options.now ?? new Date();
  const ca = new x509.X509Certificate(options.ca.certificate);
  const caKey = await importPrivateKey(options.ca.privateKey);
  const keys = await generateKeys();
  const dnsNames = [options.commonName, ...options.dnsNames.filter((name) => name !== options.commonName)];
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [options.commonName] }],
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKey,
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + options.validityDays * DAY_MS),
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // What `nomad tls cert create` sets; Go's TLS stack checks the extended key usages.
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...options.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: `${certificate.toString('pem')}\n`, privateKey: await privateKeyPem(keys.privateKey) };
}

/** Why a stored CA cannot be used, or undefined when it can sign certificates valid for `validityDays`. */
export function caProblem(ca: CertificateAndKey, validityDays: number, now = new Date()): string | undefined {
  let certificate: NodeX509Certificate;
  let key: KeyObject;
  try {
    certificate = new NodeX509Certificate(ca.certificate);
    key = createPrivateKey(ca.privateKey);
  } catch (error) {
    return `it does not hold a PEM certificate and private key (${error instanceof Error ? error.message : String(error)})`;
  }
  if (!certificate.ca) {
    return 'its certificate is not a CA certificate';
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return 'its key is not an ECDSA P-256 key (create one with `nomad tls ca create`)';
  }
  if (!certificate.checkPrivateKey(key)) {
    return 'its private key does not belong to its certificate';
  }
  const expires = new Date(certificate.validTo);
  if (expires.getTime() < now.getTime() + validityDays * DAY_MS) {
    return `it expires on ${expires.toISOString()}, before certificates issued now for ${validityDays} days would`;
  }
  return undefined;
}

/** The SHA-256 fingerprint of a PEM certificate (as `openssl x509 -fingerprint -sha256` prints it). */
export function fingerprint(certificatePem: string): string {
  return new NodeX509Certificate(certificatePem).fingerprint256;
}

/** When a PEM certificate expires, ISO 8601. */
export function notAfter(certificatePem: string): string {
  return new Date(new NodeX509Certificate(certificatePem).validTo).toISOString();
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  // Node parses any PEM flavor (PKCS#8, SEC1 "EC PRIVATE KEY" from openssl); WebCrypto takes PKCS#8.
  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
}

/** A positive 128-bit serial number (RFC 5280 asks for up to 20 octets, unpredictable). */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
