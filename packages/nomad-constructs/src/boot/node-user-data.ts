import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Aws, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { NomadError } from '../errors';

/** Where the boot script lives in the package, relative to this module (`src/boot` or `lib/boot`). */
export const BOOTSTRAP_SCRIPT_PATH = join(__dirname, '..', '..', 'assets', 'scripts', 'nomad-bootstrap.sh');

/** The boot script's path, checked: a package installed without its `assets/` folder fails here, at synth. */
export function bootstrapScriptPath(): string {
  if (!existsSync(BOOTSTRAP_SCRIPT_PATH)) {
    throw new NomadError(
      'invalid-state',
      BOOTSTRAP_SCRIPT_PATH,
      'expected the boot script shipped in the package under assets/scripts/, received a missing file. Reinstall @org/nomad-constructs.',
    );
  }
  return BOOTSTRAP_SCRIPT_PATH;
}

/** A file the user data writes before the boot script runs. */
export interface UserDataFile {
  readonly path: string;
  /** The content; may hold tokens (resolved by CloudFormation into the user data). */
  readonly content: string;
  /** Octal permissions, e.g. `0644`. */
  readonly mode: string;
}

export interface NodeUserDataOptions {
  /** What the first comment line says this instance is. */
  readonly description: string;
  /** Variables for the boot script (values may be tokens, e.g. the stack name). */
  readonly environment: Readonly<Record<string, string>>;
  /** Configuration files, rendered at synth time. */
  readonly files: readonly UserDataFile[];
  /** The boot script, uploaded as a file asset. */
  readonly bootstrapScript: s3assets.Asset;
}

const DELIMITER = 'NOMAD_BOOTSTRAP_EOF';

/**
 * The user data of a Nomad node: writes the configuration rendered at synth time, downloads the
 * boot script and runs it. Data only; the logic is in the boot script, which is shellchecked.
 */
export function nodeUserData(options: NodeUserDataOptions): ec2.UserData {
  const userData = ec2.UserData.forLinux({ shebang: '#!/bin/bash' });
  const environment = Object.entries(options.environment).map(([name, value]) => {
    if (!Token.isUnresolved(value) && !/^[A-Za-z0-9_.:/@+= -]*$/.test(value)) {
      throw new NomadError(
        'invalid-prop',
        `user data ${name}`,
        `expected letters, digits, spaces and "_.:/@+=-", received ${JSON.stringify(value)}.`,
      );
    }
    return `${name}='${value}'`;
  });
  const files = [
    { path: '/etc/nomad-bootstrap/bootstrap.env', content: `${environment.join('\n')}\n`, mode: '0600' },
    ...options.files,
  ];
  userData.addCommands(
    `# ${options.description}, written by @org/nomad-constructs.`,
    '# The configuration below was rendered at synth time; nomad-bootstrap installs Nomad, starts it,',
    '# waits until it has joined the cluster and signals CloudFormation.',
    'set -euo pipefail',
    // Until the boot script takes over (exec, with a trap of its own), a failure here (a file that
    // cannot be written, the script that cannot be downloaded) takes the instance out of service.
    'nomad_user_data_exit() {',
    '  local status=$? token id',
    '  [ "$status" -ne 0 ] || return 0',
    "  token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token) || return 0",
    '  id=$(curl -sf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id) || return 0',
    `  aws autoscaling set-instance-health --region ${Aws.REGION} --instance-id "$id" --health-status Unhealthy --no-should-respect-grace-period || true`,
    '}',
    'trap nomad_user_data_exit EXIT',
    'umask 022',
    ...files.flatMap(writeFile),
    `aws s3 cp --only-show-errors --region ${Aws.REGION} 's3://${options.bootstrapScript.s3BucketName}/${options.bootstrapScript.s3ObjectKey}' /usr/local/sbin/nomad-bootstrap`,
    'chmod 0755 /usr/local/sbin/nomad-bootstrap',
    'exec /usr/local/sbin/nomad-bootstrap /etc/nomad-bootstrap/bootstrap.env',
  );
  return userData;
}

function writeFile(file: UserDataFile): string[] {
  if (file.content.split('\n').includes(DELIMITER)) {
    throw new NomadError('invalid-prop', file.path, `expected content without a line "${DELIMITER}".`);
  }
  const content = file.content.endsWith('\n') ? file.content : `${file.content}\n`;
  // A quoted delimiter: the shell expands nothing in the content.
  return [
    `install -d -m 0755 ${posix.dirname(file.path)}`,
    `cat >${file.path} <<'${DELIMITER}'`,
    `${content}${DELIMITER}`,
    `chmod ${file.mode} ${file.path}`,
  ];
}
