import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** A GnuPG home with one signing key; returns the home and the key's fingerprint. */
function signingKey(dir: string, name: string): { home: string; fingerprint: string } {
  const home = join(dir, name);
  mkdirSync(home, { mode: 0o700 });
  const gpg = (...args: string[]) =>
    execFileSync('gpg', ['--batch', '--homedir', home, '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  gpg('--quick-gen-key', `${name} <${name}@example.com>`, 'ed25519', 'sign', 'never');
  const fingerprint = /^fpr:{9}([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys'))?.[1];
  if (fingerprint === undefined) {
    throw new Error('no fingerprint');
  }
  return { home, fingerprint };
}

interface Run {
  readonly status: number | null;
  readonly stderr: string;
}

describe('nomad-bootstrap.sh', () => {
  let dir: string;
  let releases: string;
  let trusted: { home: string; fingerprint: string };
  let other: { home: string; fingerprint: string };
  const releaseArch = arch() === 'arm64' ? 'arm64' : 'amd64';

  const gpgSign = (home: string, file: string) =>
    execFileSync('gpg', [
      '--batch',
      '--homedir',
      home,
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--yes',
      '--detach-sign',
      '--output',
      `${file}.sig`,
      file,
    ]);

  /** Publishes a fake release as releases.hashicorp.com lays it out, signed by `signer`. */
  const publish = (
    product: string,
    version: string,
    binary: Buffer,
    options: { signer?: string; listed?: Buffer } = {},
  ) => {
    const base = join(releases, product, version);
    mkdirSync(base, { recursive: true });
    const zipName = `${product}_${version}_linux_${releaseArch}.zip`;
    const zip = zipArchive({ [product]: binary, 'LICENSE.txt': Buffer.from('license\n') });
    writeFileSync(join(base, zipName), zip);
    const sums = join(base, `${product}_${version}_SHA256SUMS`);
    writeFileSync(sums, `${sha256(options.listed ?? zip)}  ${zipName}\n${sha256(Buffer.from('x'))}  other.zip\n`);
    gpgSign(options.signer ?? trusted.home, sums);
  };

  /** Sources the script (which runs nothing by itself) and calls one of its functions. */
  const call = (command: string, env: Record<string, string> = {}): Run => {
    const result = spawnSync('bash', ['-c', `source "$1"; ${command}`, 'test', BOOTSTRAP_SCRIPT_PATH], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        HASHICORP_RELEASES_URL: `file://${releases}`,
        HASHICORP_PGP_KEY_URL: `file://${join(dir, 'trusted.asc')}`,
        HASHICORP_PGP_FINGERPRINT: trusted.fingerprint,
        ...env,
      },
    });
    return { status: result.status, stderr: result.stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nomad-bootstrap-'));
    releases = join(dir, 'releases');
    trusted = signingKey(dir, 'trusted');
    other = signingKey(dir, 'other');
    for (const [name, key] of [
      ['trusted.asc', trusted],
      ['both.asc', other],
    ] as const) {
      writeFileSync(
        join(dir, name),
        execFileSync('gpg', ['--batch', '--homedir', key.home, '--armor', '--export'], { encoding: 'utf8' }),
      );
    }
    // A key file holding both keys: a signature by the other one must still be refused.
    writeFileSync(
      join(dir, 'both.asc'),
      readFileSync(join(dir, 'trusted.asc'), 'utf8') + readFileSync(join(dir, 'both.asc'), 'utf8'),
    );
    publish('nomad', '1.2.3', Buffer.from('#!/bin/sh\necho "Nomad v1.2.3"\n'));
    publish('tampered', '1.0.0', Buffer.from('#!/bin/sh\necho evil\n'), { listed: Buffer.from('the real archive') });
    publish('forged', '1.0.0', Buffer.from('#!/bin/sh\necho evil\n'), { signer: other.home });
  }, 60_000);

  afterAll(() => {
    for (const key of [trusted, other]) {
      spawnSync('gpgconf', ['--homedir', key.home, '--kill', 'all']);
    }
  });

  it.each(shippedScripts().map((path) => [path.slice(ASSETS.length + 1), path]))('%s passes shellcheck', (_, path) => {
    expect(shellcheck(readFileSync(path, 'utf8'), 'shipped.sh')).toBe('');
  });

  it('installs a release whose checksums carry a valid signature of the pinned key', () => {
    const destination = join(dir, 'bin');
    const run = call(`install_hashicorp_release nomad 1.2.3 "${destination}"`);
    expect(run.stderr).toContain(`installed nomad 1.2.3 (${releaseArch}) into ${destination}`);
    expect(run.status).toBe(0);
    expect(execFileSync(join(destination, 'nomad'), { encoding: 'utf8' })).toBe('Nomad v1.2.3\n');
  });

  it('refuses an archive whose checksum is not the signed one', () => {
    const run = call(`install_hashicorp_release tampered 1.0.0 "${join(dir, 'tampered-bin')}"`);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /ERROR: checksum mismatch for tampered_1\.0\.0_linux_\w+\.zip: expected [0-9a-f]{64}, got [0-9a-f]{64}/,
    );
    expect(existsSync(join(dir, 'tampered-bin', 'tampered'))).toBe(false);
  });

  it('refuses checksums signed by another key, even when the key file also holds the pinned key', () => {
    const run = call(`install_hashicorp_release forged 1.0.0 "${join(dir, 'forged-bin')}"`, {
      HASHICORP_PGP_KEY_URL: `file://${join(dir, 'both.asc')}`,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`forged_1.0.0_SHA256SUMS is not signed by HashiCorp's key ${trusted.fingerprint}`);
    expect(existsSync(join(dir, 'forged-bin', 'forged'))).toBe(false);
  });

  it('refuses checksums it cannot verify at all (signature of a key it does not have)', () => {
    const run = call(`install_hashicorp_release forged 1.0.0 "${join(dir, 'forged-bin')}"`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the signature of forged_1.0.0_SHA256SUMS does not verify');
  });

  it('fails on a download error instead of installing nothing silently', () => {
    const run = call(`install_hashicorp_release nomad 9.9.9 "${join(dir, 'missing-bin')}"`);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/curl: \(37\)|Couldn't open file/);
  });

  describe('install_cni_plugins', () => {
    const publishCni = (version: string, listed?: string) => {
      const base = join(dir, 'cni', `v${version}`);
      mkdirSync(join(base, 'content'), { recursive: true });
      const name = `cni-plugins-linux-${releaseArch}-v${version}.tgz`;
      writeFileSync(join(base, 'content', 'bridge'), '#!/bin/sh\necho bridge\n');
      chmodSync(join(base, 'content', 'bridge'), 0o755);
      execFileSync('tar', ['-czf', join(base, name), '-C', join(base, 'content'), 'bridge']);
      const digest = listed ?? sha256(readFileSync(join(base, name)));
      writeFileSync(join(base, `${name}.sha256`), `${digest}  ${name}\n`);
    };

    it('installs the plugins when the archive matches its published SHA-256', () => {
      publishCni('1.0.0');
      const binDir = join(dir, 'cni-bin');
      const run = call('install_cni_plugins 1.0.0', {
        CNI_RELEASES_URL: `file://${join(dir, 'cni')}`,
        CNI_BIN_DIR: binDir,
      });
      expect(run.stderr).toContain(`installed CNI plugins 1.0.0 (${releaseArch}) into ${binDir}`);
      expect(run.status).toBe(0);
      expect(execFileSync(join(binDir, 'bridge'), { encoding: 'utf8' })).toBe('bridge\n');
    });

    it('refuses an archive that does not match', () => {
      publishCni('2.0.0', '0'.repeat(64));
      const binDir = join(dir, 'cni-bad');
      const run = call('install_cni_plugins 2.0.0', {
        CNI_RELEASES_URL: `file://${join(dir, 'cni')}`,
        CNI_BIN_DIR: binDir,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`checksum mismatch for cni-plugins-linux-${releaseArch}-v2.0.0.tgz`);
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
