import * as z from 'zod/mini';
import { nonEmptyString, positiveInteger } from '../provider/cfn-schema';

/**
 * The contract between `NomadSnapshots` and its function: the schedule's input, which the
 * construct builds with `satisfies SnapshotInput` and the handler parses.
 */
export const SnapshotInput = z.object({
  serverTagKey: nonEmptyString(),
  serverTagValue: nonEmptyString(),
  httpPort: positiveInteger(),
  nomadRegion: nonEmptyString(),
  caSecretArn: nonEmptyString(),
  tokenSecretArn: nonEmptyString(),
  bucketName: nonEmptyString(),
  /** The key prefix, ending in `/`. */
  prefix: z.string().check(z.regex(/^([A-Za-z0-9_.-]+\/)+$/, { error: 'a key prefix ending in /' })),
});
export type SnapshotInput = z.infer<typeof SnapshotInput>;
