import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP_SCRIPT_PATH } from '../../src/boot/node-user-data';
import { shellcheck } from '../helpers';

const ASSETS = join(__dirname, '..', '..', 'assets');

/** Every shell script the package ships (to instances). */
function shippedScripts(dir = ASSETS): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? shippedScripts(path) : entry.name.endsWith('.sh') ? [path] : [];
  });
}

/** A zip archive with stored (uncompressed) entries: enough for unzip, without a zip binary. */
function zipArchive(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by Unix, so the mode below is honored
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((size, part) => size + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

interface Run {
  readonly status: number | null;
  readonly stderr: string;
}

describe('nomad-bootstrap.sh', () => {
  let dir: string;
  /** The artifact bucket: a directory the fake `aws s3 cp` reads objects from. */
  let bucket: string;
  /** Every `aws` command line the script ran. */
  let awsLog: string;
  const BUCKET = 'nomad-artifacts-bucket';

  /** Stages a file in the fake bucket; returns its SHA-256. */
  const stage = (key: string, data: Buffer): string => {
    mkdirSync(join(bucket, key, '..'), { recursive: true });
    writeFileSync(join(bucket, key), data);
    return sha256(data);
  };

  /** Sources the script (which runs nothing by itself) and calls one of its functions. */
  const call = (command: string, env: Record<string, string> = {}): Run => {
    const result = spawnSync('bash', ['-c', `source "$1"; ${command}`, 'test', BOOTSTRAP_SCRIPT_PATH], {
      encoding: 'utf8',
      env: {
        // The fake aws first: nothing leaves the machine.
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        HOME: dir,
        AWS_REGION: 'eu-west-1',
        NOMAD_ARTIFACT_BUCKET: BUCKET,
        FAKE_BUCKET_DIR: bucket,
        FAKE_AWS_LOG: awsLog,
        ...env,
      },
    });
    return { status: result.status, stderr: result.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nomad-bootstrap-'));
    bucket = join(dir, 'bucket');
    awsLog = join(dir, 'aws.log');
    mkdirSync(join(dir, 'bin'));
    // `aws s3 cp --only-show-errors --region R s3://<bucket>/<key> <file>`, as the AWS CLI answers it:
    // exit 1 and a message on stderr for a missing object.
    writeFileSync(
      join(dir, 'bin', 'aws'),
      [
        '#!/bin/bash',
        'echo "$*" >>"$FAKE_AWS_LOG"',
        '[ "$1 $2" = "s3 cp" ] || { echo "unexpected aws $*" >&2; exit 2; }',
        'source="${*: -2:1}" target="${*: -1}"',
        `key="\${source#s3://${BUCKET}/}"`,
        '[ "$key" != "$source" ] || { echo "An error occurred (AccessDenied)" >&2; exit 1; }',
        '[ -f "$FAKE_BUCKET_DIR/$key" ] || { echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key \\"$key\\" does not exist" >&2; exit 1; }',
        'cp "$FAKE_BUCKET_DIR/$key" "$target"',
        '',
      ].join('\n'),
    );
    chmodSync(join(dir, 'bin', 'aws'), 0o755);
  });

  it.each(shippedScripts().map((path) => [path.slice(ASSETS.length + 1), path]))('%s passes shellcheck', (_, path) => {
    expect(shellcheck(readFileSync(path, 'utf8'), 'shipped.sh')).toBe('');
  });

  it('downloads nothing from HashiCorp or GitHub (the NVIDIA repositories of GPU pools excepted)', () => {
    const script = readFileSync(BOOTSTRAP_SCRIPT_PATH, 'utf8');
    expect(script).not.toMatch(
      /releases\.hashicorp\.com|hashicorp\.com\/\.well-known|github\.com\/containernetworking/,
    );
    const urls = script.match(/https:\/\/[^\s"]+/g)?.filter((url) => !url.startsWith('https://127.0.0.1'));
    // The unit file's Documentation link, and NVIDIA's repositories (see "Boot without the internet").
    expect(urls?.sort()).toEqual([
      'https://developer.download.nvidia.com/compute/cuda/repos/amzn2023/$cuda_arch/cuda-amzn2023.repo',
      'https://developer.hashicorp.com/nomad/docs',
      'https://nvidia.github.io/libnvidia-container/stable/rpm/nvidia-container-toolkit.repo',
    ]);
  });

  it('installs a staged release from the artifact bucket when its SHA-256 is the expected one', () => {
    const key = 'artifacts/nomad/1.2.3/nomad_1.2.3_linux_amd64.zip';
    const digest = stage(
      key,
      zipArchive({ nomad: Buffer.from('#!/bin/sh\necho "Nomad v1.2.3"\n'), 'LICENSE.txt': Buffer.from('license\n') }),
    );
    const destination = join(dir, 'bin-nomad');
    const run = call(`install_release_zip nomad ${key} ${digest} "${destination}"`);
    expect(run.stderr).toContain(`installed nomad from nomad_1.2.3_linux_amd64.zip into ${destination}`);
    expect(run.status).toBe(0);
    expect(execFileSync(join(destination, 'nomad'), { encoding: 'utf8' })).toBe('Nomad v1.2.3\n');
    expect(readFileSync(awsLog, 'utf8')).toContain(
      `s3 cp --only-show-errors --region eu-west-1 s3://${BUCKET}/${key} `,
    );
  });

  it('refuses a staged file whose SHA-256 is not the expected one, and installs nothing', () => {
    const key = 'artifacts/nomad/1.0.0/nomad_1.0.0_linux_amd64.zip';
    stage(key, zipArchive({ nomad: Buffer.from('#!/bin/sh\necho evil\n') }));
    const expected = sha256(Buffer.from('the real archive'));
    const run = call(`install_release_zip nomad ${key} ${expected} "${join(dir, 'tampered-bin')}"`);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `ERROR: checksum mismatch for nomad_1\\.0\\.0_linux_amd64\\.zip: expected ${expected}, got [0-9a-f]{64}`,
      ),
    );
    expect(existsSync(join(dir, 'tampered-bin', 'nomad'))).toBe(false);
  });

  it('fails with the object it could not read when the file was never staged', () => {
    const key = 'artifacts/nomad/9.9.9/nomad_9.9.9_linux_amd64.zip';
    const run = call(`install_release_zip nomad ${key} ${'0'.repeat(64)} "${join(dir, 'missing-bin')}"`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Key "${key}" does not exist`);
    expect(run.stderr).toContain(
      `ERROR: cannot download s3://${BUCKET}/${key} (the artifact staging resource stages it at deploy time)`,
    );
  });

  describe('install_cni_plugins', () => {
    const stageCni = (version: string): string => {
      const content = join(dir, `cni-content-${version}`);
      mkdirSync(content, { recursive: true });
      writeFileSync(join(content, 'bridge'), '#!/bin/sh\necho bridge\n');
      chmodSync(join(content, 'bridge'), 0o755);
      const archive = join(dir, `cni-${version}.tgz`);
      execFileSync('tar', ['-czf', archive, '-C', content, 'bridge']);
      return stage(`artifacts/cni-plugins/${version}/cni-plugins-linux-amd64-v${version}.tgz`, readFileSync(archive));
    };

    it('installs the plugins when the staged archive has the pinned SHA-256', () => {
      const digest = stageCni('1.0.0');
      const binDir = join(dir, 'cni-bin');
      const key = 'artifacts/cni-plugins/1.0.0/cni-plugins-linux-amd64-v1.0.0.tgz';
      const run = call(`install_cni_plugins ${key} ${digest}`, { CNI_BIN_DIR: binDir });
      expect(run.stderr).toContain(`installed the CNI plugins from cni-plugins-linux-amd64-v1.0.0.tgz into ${binDir}`);
      expect(run.status).toBe(0);
      expect(execFileSync(join(binDir, 'bridge'), { encoding: 'utf8' })).toBe('bridge\n');
    });

    it('refuses an archive that does not match', () => {
      stageCni('2.0.0');
      const binDir = join(dir, 'cni-bad');
      const key = 'artifacts/cni-plugins/2.0.0/cni-plugins-linux-amd64-v2.0.0.tgz';
      const run = call(`install_cni_plugins ${key} ${'0'.repeat(64)}`, { CNI_BIN_DIR: binDir });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `checksum mismatch for cni-plugins-linux-amd64-v2.0.0.tgz: expected ${'0'.repeat(64)}`,
      );
      expect(existsSync(join(binDir, 'bridge'))).toBe(false);
    });
  });

  it('runs nothing when sourced, and refuses to run without its env file', () => {
    expect(call('true').status).toBe(0);
    // The failure trap asks the instance metadata and AWS: stand-ins that fail, so nothing leaves the machine.
    const fakeBin = join(dir, 'offline-bin');
    mkdirSync(fakeBin, { recursive: true });
    for (const name of ['curl', 'aws']) {
      writeFileSync(join(fakeBin, name), '#!/bin/sh\nexit 7\n');
      chmodSync(join(fakeBin, name), 0o755);
    }
    const run = spawnSync('bash', [BOOTSTRAP_SCRIPT_PATH], {
      encoding: 'utf8',
      env: { PATH: `${fakeBin}:${process.env.PATH}` },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('usage: nomad-bootstrap <env-file>');
    expect(run.stderr).toContain('could not mark the instance unhealthy');
  });
});
