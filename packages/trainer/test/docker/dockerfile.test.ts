import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction, JSONInstruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import manifest from '../../package.json';
import { PACKAGE_DIR } from '../support/cli';
import { tempDir } from '../support/temp';

const REPO_ROOT = join(PACKAGE_DIR, '..', '..');
const dockerfile = DockerfileParser.parse(readFileSync(join(PACKAGE_DIR, 'Dockerfile'), 'utf8'));

/** Instructions of each build stage, split at FROM. */
function stages(): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

function argumentsOf(instruction: Instruction): string[] {
  return instruction.getArguments().map((argument) => argument.getValue());
}

describe('Dockerfile', () => {
  const [build, runtime] = stages() as [Instruction[], Instruction[]];

  it('has a build stage and a runtime stage, both on Node.js 20', () => {
    expect(stages()).toHaveLength(2);
    expect(dockerfile.getFROMs().map((from) => from.getBuildStage())).toEqual(['build', 'runtime']);
    expect(dockerfile.getInitialARGs().map((arg) => arg.getProperty()?.getValue())).toEqual(['node:20-bookworm-slim']);
    for (const from of dockerfile.getFROMs()) expect(from.getImageName()).toBe('${NODE_IMAGE}');
  });

  it('runs as the unprivileged node user, and uses exec form for ENTRYPOINT and CMD', () => {
    const keywords = runtime.map((instruction) => instruction.getKeyword());
    expect(keywords.indexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'));
    expect(argumentsOf(runtime.find((i) => i.getKeyword() === 'USER') as Instruction)).toEqual(['node']);
    for (const keyword of ['ENTRYPOINT', 'CMD']) {
      const instruction = runtime.find((i) => i.getKeyword() === keyword);
      expect(instruction, keyword).toBeInstanceOf(JSONInstruction);
      expect((instruction as JSONInstruction).getOpeningBracket(), `${keyword} in exec form`).not.toBeNull();
    }
  });

  it("starts the package's bin, and installs the runtime with the script the package test runs", () => {
    const entrypoint = runtime.find((i) => i.getKeyword() === 'ENTRYPOINT') as JSONInstruction;
    expect(entrypoint.getJSONStrings().map((s) => s.getJSONValue())).toEqual([
      'node',
      `/app/node_modules/@org/trainer/${manifest.bin.trainer}`,
    ]);
    const run = runtime.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent());
    expect(run).toEqual(['/usr/local/bin/install-runtime.sh /tmp/packages /app && rm -rf /tmp/packages /root/.npm']);
  });

  it('copies only files that exist in the repository, and never uses ADD', () => {
    expect(dockerfile.getInstructions().filter((i) => i.getKeyword() === 'ADD')).toEqual([]);
    for (const copy of [...build, ...runtime].filter((i) => i.getKeyword() === 'COPY')) {
      const args = argumentsOf(copy);
      if (args[0]?.startsWith('--from=')) continue;
      for (const source of args.slice(0, -1)) expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
    }
  });

  it('keeps dependencies, build output and git history out of the build context', () => {
    const ignored = readFileSync(join(PACKAGE_DIR, 'Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', 'packages/*/lib']));
  });

  it('has an install script that passes shellcheck', () => {
    expect(() => execFileSync('shellcheck', [join(PACKAGE_DIR, 'docker', 'install-runtime.sh')])).not.toThrow();
  });
});

describe('the runtime stage, reproduced from packed tarballs', () => {
  it('installs the packed packages and runs the trainer, for CommonJS and ESM consumers too', () => {
    const dir = tempDir('trainer-runtime-');
    const sources = join(dir, 'package');
    const packages = join(dir, 'packages');
    const app = join(dir, 'app');
    mkdirSync(packages);
    // The package as `npm pack` sees it after a build: compiled to lib/ here, not in the working tree.
    for (const name of ['package.json', 'README.md', 'LICENSE', 'bin', 'job'])
      cpSync(join(PACKAGE_DIR, name), join(sources, name), { recursive: true });
    execFileSync(process.execPath, [
      require.resolve('typescript/bin/tsc'),
      '-p',
      join(PACKAGE_DIR, 'tsconfig.json'),
      '--outDir',
      join(sources, 'lib'),
      '--tsBuildInfoFile',
      join(dir, 'tsbuildinfo'),
    ]);
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, {
        cwd,
        env: { ...process.env, NPM_CONFIG_PREFER_OFFLINE: 'true', NPM_CONFIG_LOGLEVEL: 'error' },
        encoding: 'utf8',
      });
    npm(['pack', sources, '--pack-destination', packages], dir);
    npm(['pack', join(REPO_ROOT, 'packages', 'jobspec-builder'), '--pack-destination', packages], dir);

    execFileSync('sh', [join(PACKAGE_DIR, 'docker', 'install-runtime.sh'), packages, app], {
      env: { ...process.env, NPM_CONFIG_PREFER_OFFLINE: 'true', NPM_CONFIG_LOGLEVEL: 'error' },
    });

    // What the image's ENTRYPOINT runs.
    const summary = execFileSync(
      process.execPath,
      [
        join(app, 'node_modules', '@org', 'trainer', manifest.bin.trainer),
        'train',
        '--out',
        join(dir, 'out'),
        '--epochs',
        '5',
      ],
      { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(JSON.parse(summary).test.accuracy).toBeGreaterThan(0.8);
    expect(execFileSync(join(app, 'node_modules', '.bin', 'trainer'), ['--version'], { encoding: 'utf8' }).trim()).toBe(
      manifest.version,
    );
    const probe = 'typeof trainerJob({ image: "x" }).toHcl';
    expect(
      execFileSync(process.execPath, ['-e', `const { trainerJob } = require('@org/trainer'); console.log(${probe})`], {
        cwd: app,
        encoding: 'utf8',
      }).trim(),
    ).toBe('function');
    expect(
      execFileSync(
        process.execPath,
        ['--input-type=module', '-e', `import { trainerJob } from '@org/trainer'; console.log(${probe})`],
        { cwd: app, encoding: 'utf8' },
      ).trim(),
    ).toBe('function');
  });
});
