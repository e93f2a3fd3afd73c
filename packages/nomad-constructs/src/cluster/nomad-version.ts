import { Token } from 'aws-cdk-lib';
import { NomadError } from '../errors';
import { DEFAULT_VERSIONS } from '../versions';

/**
 * A Nomad release from releases.hashicorp.com, staged by the deploy into the cluster's artifact bucket
 * once its signature (and, for pinned versions, its SHA-256) is verified, and installed from there.
 *
 * Changing the version of a deployed cluster rolls the servers one at a time (each new server waits
 * until autopilot reports the cluster healthy), then the clients. Follow Nomad's upgrade guides for
 * the versions in between.
 *
 * @see https://developer.hashicorp.com/nomad/docs/upgrade
 */
export class NomadVersion {
  /** Nomad 1.11.3, the version this library is tested with. */
  public static readonly V1_11_3 = new NomadVersion('1.11.3');

  /** The version installed when none is given. */
  public static readonly DEFAULT = NomadVersion.V1_11_3;

  /**
   * Any released version, e.g. `NomadVersion.of('1.10.5')`. Versions without a SHA-256 pinned in
   * this library (`PINNED_SHA256`) are verified by HashiCorp's signature of their SHA256SUMS alone.
   *
   * @param version - a release number `MAJOR.MINOR.PATCH`, optionally with a pre-release (`-rc.1`)
   *   or `+ent` suffix as it appears on releases.hashicorp.com
   */
  public static of(version: string): NomadVersion {
    if (Token.isUnresolved(version) || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?(\+ent)?$/.test(version)) {
      throw new NomadError(
        'invalid-prop',
        'NomadVersion.of',
        `expected a release number such as "${DEFAULT_VERSIONS.nomad}", received ${JSON.stringify(version)}. See https://releases.hashicorp.com/nomad/ for the releases.`,
      );
    }
    return new NomadVersion(version);
  }

  private constructor(
    /** The release number, e.g. `1.11.3`. */
    public readonly version: string,
  ) {}

  public toString(): string {
    return this.version;
  }
}
