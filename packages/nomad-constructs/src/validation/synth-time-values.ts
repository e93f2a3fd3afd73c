import { type Duration, type Size, Token } from 'aws-cdk-lib';
import { NomadError } from '../errors';

/** A prop value that is a number, or a `Size`/`Duration` (which can also wrap a token). */
type SynthTimeValue = number | Size | Duration | undefined;

function isToken(value: SynthTimeValue): boolean {
  if (value === undefined) {
    return false;
  }
  return typeof value === 'number' ? Token.isUnresolved(value) : value.isUnresolved();
}

function shown(value: SynthTimeValue): string {
  // A number token is a huge float (-1.888e+289): name it as CDK does.
  return typeof value === 'number' ? Token.asString(value) : `a ${value?.constructor.name} of ${value?.toString()}`;
}

/**
 * Rejects CloudFormation tokens (a parameter, an attribute of another resource) in props whose value
 * must be known when the app synthesizes: they are rendered into an instance's configuration, a
 * Nomad job, are compared with other props, or decide which resources exist.
 *
 * @param path - the construct path (`Nomad/Cluster`); the prop name is appended
 * @param values - the props to check by name, each with what needs its value
 *   (`{ serverCount: [props.serverCount, 'it is the servers' bootstrap_expect'] }`)
 */
export function requireSynthTimeValues(path: string, values: Record<string, readonly [SynthTimeValue, string]>): void {
  for (const [name, [value, why]] of Object.entries(values)) {
    if (isToken(value)) {
      throw new NomadError(
        'unresolved-token',
        `${path}.${name}`,
        `expected a value known at synth time, received a token (${shown(value)}), which CloudFormation resolves only at deploy time: ${why}. Give a literal, or read it from CDK context (this.node.tryGetContext) rather than a CfnParameter or another resource's attribute.`,
      );
    }
  }
}
