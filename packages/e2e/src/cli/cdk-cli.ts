import { E2E_PACKAGE_DIR } from '../reference-app';
import type { AwsDeps } from './aws';
import { CliError, type CliIo } from './io';

/** `node <aws-cdk's cli> <args> -c k=v...` in this package (its cdk.json names the app). */
export async function runCdk(
  aws: AwsDeps,
  io: CliIo,
  args: readonly string[],
  context: Readonly<Record<string, string>>,
): Promise<number> {
  const cli = io.env.NOMAD_E2E_CDK ?? require.resolve('aws-cdk/bin/cdk');
  const contextArgs = Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  return aws.run(process.execPath, [cli, ...args, ...contextArgs], io.stdout, E2E_PACKAGE_DIR);
}

/**
 * The images are built for linux/arm64 (Graviton). On another architecture Docker builds them with
 * buildx and QEMU emulation: check for both before `cdk deploy` starts, so it does not fail midway.
 */
export async function checkImageBuilder(aws: AwsDeps): Promise<void> {
  let output = '';
  const code = await aws.run('docker', ['buildx', 'ls'], (text) => {
    output += text;
  });
  if (code === 127) {
    throw new CliError(
      'Docker is needed: cdk deploy builds the two sample images. Install Docker (with buildx) and start it.',
    );
  }
  if (code !== 0) {
    throw new CliError(
      `\`docker buildx ls\` failed (exit ${code}): cdk deploy builds the images with Docker buildx. Is the Docker daemon running? ${output.trim().split('\n').at(-1) ?? ''}`.trim(),
    );
  }
  if (aws.hostArch !== 'arm64' && !/linux\/arm64/.test(output)) {
    throw new CliError(
      `the images are built for linux/arm64 (the Graviton instances) and this machine is ${aws.hostArch}: Docker needs buildx with QEMU emulation. Run \`docker run --privileged --rm tonistiigi/binfmt --install arm64\`, check that \`docker buildx ls\` lists linux/arm64, and deploy again.`,
    );
  }
}
