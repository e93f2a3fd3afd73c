/**
 * Stable identifiers for the ways a Nomad construct or configuration can be rejected.
 *
 * - `INVALID_PROP`: a construct prop has a value that is not allowed (the message names the prop).
 * - `UNRESOLVED_TOKEN`: a prop that is rendered into an instance's configuration at synth time holds
 *   a CloudFormation token, whose value is only known at deploy time.
 * - `INVALID_AGENT_CONFIG`: the Nomad agent configuration does not pass validation.
 * - `INVALID_STATE`: a method was called when it cannot work (e.g. after synthesis).
 * - `INVALID_JOB`: a `NomadJob`'s job is not valid, or cannot run on its cluster (the message names
 *   the job field and the fix).
 */
export type NomadErrorCode =
  | 'INVALID_PROP'
  | 'UNRESOLVED_TOKEN'
  | 'INVALID_AGENT_CONFIG'
  | 'INVALID_STATE'
  | 'INVALID_JOB';

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
  INVALID_PROP: 'Invalid prop',
  UNRESOLVED_TOKEN: 'Unresolved token',
  INVALID_AGENT_CONFIG: 'Invalid Nomad agent configuration',
  INVALID_STATE: 'Invalid call',
  INVALID_JOB: 'Invalid Nomad job',
};
