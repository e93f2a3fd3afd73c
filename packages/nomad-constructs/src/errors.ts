/**
 * Stable identifiers for the ways a Nomad construct or configuration can be rejected.
 *
 * - `invalid-prop`: a construct prop has a value that is not allowed (the message names the prop).
 * - `unresolved-token`: a prop whose value is needed at synth time (rendered into an instance's
 *   configuration or a job, compared with other props, or deciding what is created) holds a
 *   CloudFormation token, whose value is only known at deploy time.
 * - `invalid-agent-config`: the Nomad agent configuration does not pass validation.
 * - `invalid-state`: a method was called when it cannot work (e.g. after synthesis).
 * - `invalid-job`: a `NomadJob`'s job is not valid, or cannot run on its cluster (the message names
 *   the job field and the fix).
 */
export type NomadErrorCode =
  | 'invalid-prop'
  | 'unresolved-token'
  | 'invalid-agent-config'
  | 'invalid-state'
  | 'invalid-job';

/**
 * The error thrown by `@org/nomad-constructs`.
 *
 * The message reads "<what> at <path>: expected X, received Y." followed by the fix, so it can be
 * shown to users as is; `code` and `path` let programs tell errors apart.
 */
export class NomadError extends Error {
  public override readonly name = 'NomadError';
  /** Which rule was broken; stable across releases, unlike the message. */
  public readonly code: NomadErrorCode;
  /** Where the problem is: a construct path and prop (`Stack/Cluster.servers`) or a configuration path. */
  public readonly path: string;

  /**
   * @param code - the rule that was broken
   * @param path - where the problem is
   * @param detail - what was expected and received, and the fix
   */
  public constructor(code: NomadErrorCode, path: string, detail: string) {
    super(`${summaries[code]} at ${path}: ${detail}`);
    this.code = code;
    this.path = path;
  }
}

const summaries: Record<NomadErrorCode, string> = {
  'invalid-prop': 'Invalid prop',
  'unresolved-token': 'Unresolved token',
  'invalid-agent-config': 'Invalid Nomad agent configuration',
  'invalid-state': 'Invalid call',
  'invalid-job': 'Invalid Nomad job',
};
