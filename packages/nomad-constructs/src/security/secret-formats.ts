/**
 * What each Secrets Manager secret of a cluster holds. The constructs create the secrets with a
 * placeholder; the custom resources and the instances read and write these formats. Shared by the
 * constructs, the Lambda handlers and the CLI, so the formats are written down once.
 */

/**
 * The key of the placeholder JSON a secret holds until a custom resource fills it in
 * (`{"nomadConstructs":"pending","nonce":"..."}`): Secrets Manager needs a value at creation.
 */
export const PLACEHOLDER_KEY = 'nomadConstructs';
export const PLACEHOLDER_VALUE = 'pending';

/** The template CloudFormation completes with a random `nonce` for the initial value of every secret. */
export const PLACEHOLDER_TEMPLATE = JSON.stringify({ [PLACEHOLDER_KEY]: PLACEHOLDER_VALUE });

/** Whether a secret still holds the placeholder it was created with (never filled in). */
export function isPlaceholder(secretString: string | undefined): boolean {
  if (secretString === undefined) {
    return true;
  }
  try {
    const parsed = JSON.parse(secretString) as unknown;
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as Record<string, unknown>)[PLACEHOLDER_KEY] === PLACEHOLDER_VALUE
    );
  } catch {
    return false;
  }
}

/**
 * The cluster CA (`CaSecret`): its certificate and private key, PEM. Only the key-material
 * handler reads it. `additionalTrustedCertificates` are CA certificates the nodes trust besides
 * this one, for a CA rotation (see the README).
 */
export interface CaSecretValue {
  readonly certificate: string;
  readonly privateKey: string;
  readonly additionalTrustedCertificates?: readonly string[];
}

/**
 * A node role's TLS material (`ServerTls`, `ClientTls`): the CA bundle the nodes trust, the role's
 * certificate and its private key, PEM. The boot script writes them to the files the agent
 * configuration's `tls` block names.
 */
export interface TlsSecretValue {
  readonly ca: string;
  readonly certificate: string;
  readonly privateKey: string;
}

/** An ACL token the custom resource created (`ServerToken`, `ClientToken`, `UiToken`). */
export interface TokenSecretValue {
  readonly accessorId: string;
  readonly secretId: string;
}

/** A stored token (`TokenSecretValue` JSON), or undefined while the secret holds none (or something else). */
export function parseTokenSecret(stored: string | undefined): TokenSecretValue | undefined {
  if (stored === undefined || isPlaceholder(stored)) {
    return undefined;
  }
  try {
    const value = JSON.parse(stored) as Partial<TokenSecretValue>;
    return typeof value.accessorId === 'string' && typeof value.secretId === 'string'
      ? { accessorId: value.accessorId, secretId: value.secretId }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Nomad's gossip encryption key: 32 bytes, base64 (what `nomad operator gossip keyring generate` prints). */
export const GOSSIP_KEY_PATTERN = /^[A-Za-z0-9+/]{43}=$/;

/** A Nomad ACL secret ID (a UUID): the management token's secret is one, generated at deploy time. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
