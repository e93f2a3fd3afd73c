import * as z from 'zod/mini';
import { cfnPositiveInteger, list, nonEmptyString } from '../provider/cfn-schema';

/**
 * The contract between `NomadAcl` and its handler (`Custom::NomadAcl`): the construct builds the
 * properties with `satisfies NomadAclPropertiesInput`, the handler parses them with
 * `NomadAclProperties` (`parseProperties`).
 */

/** An ACL policy the resource keeps in the cluster. */
export const AclPolicySpec = z.object({
  Name: nonEmptyString(),
  Description: z.string({ error: 'a string' }),
  /** The policy rules, HCL. */
  Rules: nonEmptyString(),
});
export type AclPolicySpec = z.output<typeof AclPolicySpec>;

/** A client token the resource keeps in the cluster and stores in a secret. */
export const AclTokenSpec = z.object({
  Name: nonEmptyString(),
  Policies: list(nonEmptyString()),
  /** The secret the token is stored in (`TokenSecretValue` JSON). */
  SecretArn: nonEmptyString(),
});
export type AclTokenSpec = z.output<typeof AclTokenSpec>;

export const NomadAclProperties = z.object({
  /** The servers' cloud auto-join tag: the function finds their private IPs with it. */
  ServerTagKey: nonEmptyString(),
  ServerTagValue: nonEmptyString(),
  /** The Nomad region: the servers' certificates name `server.<region>.nomad`. */
  NomadRegion: nonEmptyString(),
  HttpPort: cfnPositiveInteger(),
  CaCertificateSecretArn: nonEmptyString(),
  /** Where the management token's secret ID is generated and stored before the bootstrap. */
  ManagementTokenSecretArn: nonEmptyString(),
  Policies: z._default(list(AclPolicySpec), []),
  Tokens: z._default(list(AclTokenSpec), []),
  /** Namespaces the jobs need, created when missing. */
  Namespaces: z._default(list(nonEmptyString()), []),
  /** Node pools the client pools join, created when missing. */
  NodePools: z._default(list(nonEmptyString()), []),
  /** Bumped to run the resource again (re-bootstrap a rebuilt cluster): only its change matters. */
  Generation: z.optional(cfnPositiveInteger()),
});

export type NomadAclProperties = z.output<typeof NomadAclProperties>;
export type NomadAclPropertiesInput = z.input<typeof NomadAclProperties>;

export const NOMAD_ACL_RESOURCE_TYPE = 'Custom::NomadAcl';
