import * as z from 'zod/mini';
import { list, nonEmptyString, positiveInteger } from '../provider/cfn-schema';
import { ClusterApiAccess } from './cluster-api-contract';

/**
 * The contract between `NomadNodeDrain` and its function: the configuration in its `DRAIN_CONFIG`
 * environment variable (JSON), which the construct builds with `satisfies NodeDrainConfig` and
 * the handler parses.
 */
export const NodeDrainConfig = z.extend(ClusterApiAccess, {
  /** The client pools: their Auto Scaling group, terminate hook and drain deadline. */
  pools: list(
    z.object({
      group: nonEmptyString(),
      hook: nonEmptyString(),
      deadlineSeconds: positiveInteger(),
    }),
  ),
  /** The deadline of a drain started by a Spot interruption warning (two minutes before the end). */
  spotDeadlineSeconds: positiveInteger(),
});
export type NodeDrainConfig = z.infer<typeof NodeDrainConfig>;
