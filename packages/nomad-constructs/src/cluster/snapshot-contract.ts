import * as z from 'zod/mini';
import { nonEmptyString } from '../provider/cfn-schema';
import { ClusterApiAccess } from './cluster-api-contract';

/**
 * The contract between `NomadSnapshots` and its function: the schedule's input, which the
 * construct builds with `satisfies SnapshotInput` and the handler parses.
 */
export const SnapshotInput = z.extend(ClusterApiAccess, {
  bucketName: nonEmptyString(),
  /** The key prefix, ending in `/`. */
  prefix: z.string().check(z.regex(/^([A-Za-z0-9_.-]+\/)+$/, { error: 'a key prefix ending in /' })),
});
export type SnapshotInput = z.infer<typeof SnapshotInput>;
