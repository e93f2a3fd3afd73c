import * as z from 'zod/mini';
import { nonEmptyString, positiveInteger } from '../provider/cfn-schema';

/**
 * How one of the cluster's functions reaches the Nomad API (part of the node drain's and the
 * snapshots' contracts): the servers' cloud auto-join tag, the API port and region, the cluster CA
 * and the function's own ACL token.
 */
export const ClusterApiAccess = z.object({
  serverTagKey: nonEmptyString(),
  serverTagValue: nonEmptyString(),
  httpPort: positiveInteger(),
  nomadRegion: nonEmptyString(),
  caSecretArn: nonEmptyString(),
  /** The function's ACL token (`TokenSecretValue` JSON), filled in by the ACL resource. */
  tokenSecretArn: nonEmptyString(),
});
export type ClusterApiAccess = z.infer<typeof ClusterApiAccess>;
