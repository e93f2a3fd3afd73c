import * as z from 'zod/mini';
import { cfnPositiveInteger, nonEmptyString } from '../provider/cfn-schema';

/**
 * The contract between `NomadClusterSecrets` and its handler (`Custom::NomadClusterSecrets`): the
 * construct builds the properties with `satisfies NomadClusterSecretsPropertiesInput`, the handler
 * parses them with `NomadClusterSecretsProperties` (`parseProperties`).
 */
export const NomadClusterSecretsProperties = z.object({
  /** The CA's certificate and key (`CaSecretValue`): created once, then kept. */
  CaSecretArn: nonEmptyString(),
  /** The CA bundle the nodes and clients trust (PEM). */
  CaCertificateSecretArn: nonEmptyString(),
  ServerTlsSecretArn: nonEmptyString(),
  ClientTlsSecretArn: nonEmptyString(),
  GossipKeySecretArn: nonEmptyString(),
  /** The Nomad region: the certificates name `server.<region>.nomad` and `client.<region>.nomad`. */
  NomadRegion: nonEmptyString(),
  CaValidityDays: cfnPositiveInteger(),
  CertificateValidityDays: cfnPositiveInteger(),
  /** A digest of what the nodes run: its change re-issues the certificates (the handler does not read it). */
  NodeConfiguration: z.optional(z.string()),
});

export type NomadClusterSecretsProperties = z.output<typeof NomadClusterSecretsProperties>;
export type NomadClusterSecretsPropertiesInput = z.input<typeof NomadClusterSecretsProperties>;

export const NOMAD_CLUSTER_SECRETS_RESOURCE_TYPE = 'Custom::NomadClusterSecrets';
