import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BOOTSTRAP_SCRIPT_PATH } from '../../src/boot/node-user-data';
import { shellcheck } from '../helpers';

/**
 * A stand-in for iptables/ip6tables that keeps its rules in a file per table, one `-A <chain> <rule>`
 * line each in order, and answers -L (chain exists), -N, -C, -A and -I <chain> 1 like the real tool.
 */
const FAKE_IPTABLES = `#!/bin/bash
state="$FAKE_IPTABLES_DIR/$(basename "$0")"
touch "$state"
[ "$1" = -w ] && shift
[ "$1" = -n ] && shift
op=$1 chain=$2
shift 2
case "$op" in
  -L) grep -qx -- "-N $chain" "$state" ;;
  -N) grep -qx -- "-N $chain" "$state" && exit 1; echo "-N $chain" >>"$state" ;;
  -C) grep -qxF -- "-A $chain $*" "$state" ;;
  -A) echo "-A $chain $*" >>"$state" ;;
  -I) shift; rule="-A $chain $*"; { grep -m1 -n -- "^-A $chain " "$state" >/dev/null && awk -v r="$rule" -v c="-A $chain " 'index($0,c)==1 && !done {print r; done=1} {print}' "$state" || { cat "$state"; echo "$rule"; }; } >"$state.new"; mv "$state.new" "$state" ;;
  *) exit 2 ;;
esac
`;

/** A directory with links to the few commands the script and the fake use, and no ip6tables. */
function basics(): string {
  const bin = mkdtempSync(join(tmpdir(), 'nomad-basics-'));
  for (const command of ['date', 'basename', 'touch', 'grep', 'awk', 'mv', 'cat', 'printf']) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim();
    if (found.startsWith('/')) {
      symlinkSync(found, join(bin, command));
    }
  }
  return bin;
}

describe('nomad-bootstrap.sh block-task-metadata', () => {
  let dir: string;
  const rules = (tool: string) => readFileSync(join(dir, tool), 'utf8').trim().split('\n');
  const run = () =>
    spawnSync('bash', [BOOTSTRAP_SCRIPT_PATH, 'block-task-metadata'], {
      encoding: 'utf8',
      env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, FAKE_IPTABLES_DIR: dir },
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nomad-task-metadata-'));
    mkdirSync(join(dir, 'bin'));
    for (const tool of ['iptables', 'ip6tables']) {
      writeFileSync(join(dir, 'bin', tool), FAKE_IPTABLES);
      chmodSync(join(dir, 'bin', tool), 0o755);
    }
    // Docker has started: its DOCKER-USER chain ends with RETURN, and FORWARD has Docker's rules.
    writeFileSync(
      join(dir, 'iptables'),
      [
        '-N DOCKER-USER',
        '-A FORWARD -j DOCKER-USER',
        '-A FORWARD -o docker0 -j ACCEPT',
        '-A DOCKER-USER -j RETURN',
        '',
      ].join('\n'),
    );
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('rejects forwarded traffic to 169.254.169.254 and fd00:ec2::254 first in DOCKER-USER and for the nomad bridge', () => {
    const result = run();
    expect(result.stderr).toContain('blocked the instance metadata service from task networks');
    expect(result.status).toBe(0);
    expect(rules('iptables')).toEqual([
      '-N DOCKER-USER',
      '-A FORWARD -i nomad -j NOMAD-TASK-METADATA',
      '-A FORWARD -j DOCKER-USER',
      '-A FORWARD -o docker0 -j ACCEPT',
      '-A DOCKER-USER -j NOMAD-TASK-METADATA',
      '-A DOCKER-USER -j RETURN',
      '-N NOMAD-TASK-METADATA',
      '-A NOMAD-TASK-METADATA -d 169.254.169.254/32 -j REJECT',
    ]);
    // Docker without IPv6 has no DOCKER-USER there: the chain is created so the rules are in place
    // if Docker starts using it.
    expect(rules('ip6tables')).toEqual([
      '-N NOMAD-TASK-METADATA',
      '-A NOMAD-TASK-METADATA -d fd00:ec2::254/128 -j REJECT',
      '-N DOCKER-USER',
      '-A DOCKER-USER -j NOMAD-TASK-METADATA',
      '-A FORWARD -i nomad -j NOMAD-TASK-METADATA',
    ]);
  });

  it('adds nothing the second time (it runs again on every Docker restart)', () => {
    expect(run().status).toBe(0);
    const first = { v4: rules('iptables'), v6: rules('ip6tables') };
    expect(run().status).toBe(0);
    expect({ v4: rules('iptables'), v6: rules('ip6tables') }).toEqual(first);
  });

  it('blocks IPv4 and says so when the instance has no ip6tables', () => {
    rmSync(join(dir, 'bin', 'ip6tables'));
    // PATH without the system's own ip6tables: the fake iptables and the shell's basics only.
    const result = spawnSync('/bin/bash', [BOOTSTRAP_SCRIPT_PATH, 'block-task-metadata'], {
      encoding: 'utf8',
      env: { PATH: `${join(dir, 'bin')}:${basics()}`, FAKE_IPTABLES_DIR: dir },
    });
    expect(result.stderr).toContain('no ip6tables: the IPv6 metadata address is not blocked');
    expect(result.status).toBe(0);
    expect(rules('iptables')).toContain('-A NOMAD-TASK-METADATA -d 169.254.169.254/32 -j REJECT');
  });

  it('fails (and the unit with it) when a rule cannot be added', () => {
    writeFileSync(join(dir, 'bin', 'ip6tables'), '#!/bin/sh\necho "ip6tables: permission denied" >&2\nexit 4\n');
    const result = run();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('permission denied');
  });

  it('is installed as a unit that runs after Docker and again with every Docker restart, before the agent', () => {
    const script = readFileSync(BOOTSTRAP_SCRIPT_PATH, 'utf8');
    const unit = script.slice(script.indexOf('[Unit]\nDescription=Keep Nomad tasks away'));
    expect(unit.slice(0, unit.indexOf('EOF'))).toBe(
      [
        '[Unit]',
        'Description=Keep Nomad tasks away from the instance metadata service',
        'After=docker.service',
        '# Restarted with Docker, which recreates its chains.',
        'PartOf=docker.service',
        '',
        '[Service]',
        'Type=oneshot',
        'RemainAfterExit=yes',
        'ExecStart=/usr/local/sbin/nomad-bootstrap block-task-metadata',
        '',
        '[Install]',
        'WantedBy=docker.service multi-user.target',
        '',
      ].join('\n'),
    );
    expect(script).toContain('after="network-online.target docker.service nomad-task-metadata.service"');
    const enableBlock = script.indexOf('systemctl enable --now nomad-task-metadata.service');
    expect(enableBlock).toBeGreaterThan(0);
    expect(enableBlock).toBeLessThan(script.indexOf('systemctl enable --now nomad\n'));
    expect(shellcheck(script, 'nomad-bootstrap.sh')).toBe('');
  });

  it('has a fake iptables that tells rules apart (the checks above can fail)', () => {
    writeFileSync(join(dir, 'iptables'), '-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n');
    const check = spawnSync(join(dir, 'bin', 'iptables'), ['-w', '-C', 'DOCKER-USER', '-j', 'NOMAD-TASK-METADATA'], {
      env: { FAKE_IPTABLES_DIR: dir },
    });
    expect(check.status).toBe(1);
  });
});
