/**
 * Toolchain versions that work together on Node 20 (see shared/docs/toolchain.md
 * for why each is pinned: newer majors break on Node 20 or with integ-runner).
 */
export const VERSIONS = {
  // require(esm) is on by default from 20.19.
  node: '20.19.0',
  typescript: '5.9.3',
  typesNode: '20.19.43',
  vitest: '4.1.12',
  // CDK "set A": integ-runner 2.197.10 only reads cloud-assembly schema 53, which aws-cdk-lib 2.257 emits.
  awsCdkLib: '2.257.0',
  awsCdkLibPeerRange: '^2.257.0',
  constructs: '10.8.1',
  constructsPeerRange: '^10.0.0',
  cdkNag: '2.38.2',
  integRunner: '2.197.10',
  integTestsAlpha: '2.245.0-alpha.0',
  awsCdkCli: '2.1148.1',
  zod: '4.6.7',
} as const;
