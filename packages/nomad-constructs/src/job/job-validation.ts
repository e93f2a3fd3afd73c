import { Stack, Token } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type { IConstruct } from 'constructs';
import type { NomadClientPool } from '../cluster/nomad-client-pool';
import type { DeployerHostVolume } from '../security/acl-policies';
import type { ApiJob } from './job-spec';

/** What the cluster offers a job: checked against the job at synth time. */
export interface JobTarget {
  readonly clusterPath: string;
  readonly datacenter: string;
  readonly pools: readonly NomadClientPool[];
  readonly repositories: readonly ecr.IRepository[];
}

/** A problem with the job: the job field (HCL path) and what is wrong, with the fix. */
export interface JobProblem {
  readonly field: string;
  readonly message: string;
}

/** What the checks found: problems (synth errors) and warnings (annotations). */
export interface JobCheckResult {
  readonly problems: JobProblem[];
  readonly warnings: JobProblem[];
}

/** Nomad's node pool that holds every node: a job in it may run on any pool. */
const ALL_POOL = 'all';

interface ApiGroup {
  readonly Name?: string;
  readonly Update?: ApiUpdate | null;
  readonly Tasks?: readonly ApiTask[] | null;
  readonly Volumes?: Readonly<Record<string, { Type?: string; Source?: string; ReadOnly?: boolean }>> | null;
}
interface ApiTask {
  readonly Name?: string;
  readonly Driver?: string;
  readonly Config?: Readonly<Record<string, unknown>> | null;
}
interface ApiUpdate {
  readonly Canary?: number;
  readonly AutoPromote?: boolean;
}

/** The job's groups, as the API JSON lists them. */
export function jobGroups(job: ApiJob): readonly ApiGroup[] {
  return (job.TaskGroups as readonly ApiGroup[] | null | undefined) ?? [];
}

/** The node pool the job runs in (Nomad's default when it sets none). */
export function jobNodePool(job: ApiJob): string {
  return typeof job.NodePool === 'string' && job.NodePool !== '' ? job.NodePool : 'default';
}

/** The client pools whose clients the job can run on. */
export function poolsOfJob(job: ApiJob, pools: readonly NomadClientPool[]): NomadClientPool[] {
  const name = jobNodePool(job);
  return pools.filter((pool) => name === ALL_POOL || pool.nodePool === name);
}

/** The host volumes the job's groups mount, for the deployer policy (Nomad checks them at registration). */
export function jobHostVolumes(job: ApiJob): DeployerHostVolume[] {
  return jobGroups(job).flatMap((group) =>
    Object.values(group.Volumes ?? {})
      .filter((volume) => volume.Type === 'host' && typeof volume.Source === 'string')
      .map((volume) => ({ name: volume.Source as string, readOnly: volume.ReadOnly === true })),
  );
}

/**
 * Whether a job can run on the cluster, checked at synth time: its node pool exists, its
 * datacenters match the cluster's, its images come from registries the clients may pull from, and
 * its service deployments can finish without a person.
 */
export function checkJobForCluster(job: ApiJob, target: JobTarget, scope: IConstruct): JobCheckResult {
  const problems: JobProblem[] = [];
  const warnings: JobProblem[] = [];
  checkNodePool(job, target, problems);
  checkDatacenters(job, target, problems);
  checkUpdates(job, problems);
  checkHostVolumes(job, target, warnings);
  for (const group of jobGroups(job)) {
    for (const task of group.Tasks ?? []) {
      const image = task.Config?.image;
      if (typeof image === 'string') {
        checkImage(image, `groups[${group.Name}].tasks[${task.Name}].config.image`, target, scope, problems, warnings);
      }
    }
  }
  return { problems, warnings };
}

function poolNames(target: JobTarget): string {
  return target.pools.length === 0 ? 'none yet' : target.pools.map((pool) => `"${pool.nodePool}"`).join(', ');
}

function checkNodePool(job: ApiJob, target: JobTarget, problems: JobProblem[]): void {
  const name = jobNodePool(job);
  if (Token.isUnresolved(name)) {
    problems.push({
      field: 'node_pool',
      message: 'expected a node pool name known at synth time, received a deploy-time value. Write the name.',
    });
    return;
  }
  if (name === ALL_POOL && target.pools.length > 0) {
    return;
  }
  if (!target.pools.some((pool) => pool.nodePool === name)) {
    const unset = job.NodePool === undefined || job.NodePool === '';
    problems.push({
      field: 'node_pool',
      message: `expected a node pool of the cluster ${target.clusterPath} (${poolNames(target)}), received "${name}"${
        unset ? " (the job sets no node_pool, so Nomad puts it in the 'default' pool)" : ''
      }. Its allocations would wait for capacity forever: set node_pool to one of the cluster's pools, or add a client pool with nodePool: "${name}" (cluster.addClientPool()).`,
    });
  }
}

/** Nomad's datacenter patterns: `*` matches any run of characters (go-glob). */
function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

function checkDatacenters(job: ApiJob, target: JobTarget, problems: JobProblem[]): void {
  const datacenters = (job.Datacenters as readonly string[] | null | undefined) ?? ['*'];
  if (datacenters.some((datacenter) => Token.isUnresolved(datacenter))) {
    problems.push({
      field: 'datacenters',
      message: 'expected datacenter names known at synth time, received a deploy-time value. Write the names.',
    });
    return;
  }
  if (datacenters.length > 0 && !datacenters.some((pattern) => globMatches(pattern, target.datacenter))) {
    problems.push({
      field: 'datacenters',
      message: `expected the cluster's datacenter "${target.datacenter}" (or a pattern matching it, such as "*"), received ${JSON.stringify(
        datacenters,
      )}. No client would be eligible: set datacenters = ["${target.datacenter}"] or ["*"], or the cluster's datacenter prop.`,
    });
  }
}

function checkUpdates(job: ApiJob, problems: JobProblem[]): void {
  if (job.Type !== undefined && job.Type !== 'service') {
    return;
  }
  const jobUpdate = (job.Update as ApiUpdate | null | undefined) ?? {};
  for (const group of jobGroups(job)) {
    const canary = group.Update?.Canary ?? jobUpdate.Canary ?? 0;
    const autoPromote = group.Update?.AutoPromote ?? jobUpdate.AutoPromote ?? false;
    if (canary > 0 && !autoPromote) {
      problems.push({
        field: `groups[${group.Name}].update.auto_promote`,
        message: `expected auto_promote = true with canary = ${canary}, received false. A deployment with canaries then waits for a manual \`nomad deployment promote\`, and the NomadJob resource would time out: set auto_promote = true (with auto_revert = true to roll back unhealthy canaries).`,
      });
    }
  }
}

function checkHostVolumes(job: ApiJob, target: JobTarget, warnings: JobProblem[]): void {
  const pools = poolsOfJob(job, target.pools);
  for (const group of jobGroups(job)) {
    for (const [name, volume] of Object.entries(group.Volumes ?? {})) {
      if (volume.Type !== 'host' || typeof volume.Source !== 'string') {
        continue;
      }
      const source = volume.Source;
      if (
        pools.length > 0 &&
        !pools.some((pool) => pool.hostVolumes.some((hostVolume) => hostVolume.name === source))
      ) {
        warnings.push({
          field: `groups[${group.Name}].volume[${name}].source`,
          message: `no client pool of the job's node pool has a host volume "${source}" (hostVolumes of cluster.addClientPool()): unless it is a dynamic host volume, the allocations cannot be placed.`,
        });
      }
    }
  }
}

/** `registry/path:tag@digest` -> its registry host, when the reference names one (Docker's rule). */
function registryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) {
    return undefined;
  }
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/** The repository path of an image reference without registry, tag or digest. */
function repositoryPath(image: string, host: string): string {
  const rest = image.slice(host.length + 1);
  const withoutDigest = rest.split('@')[0] ?? rest;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** A private ECR registry: `<account>.dkr.ecr.<region>.amazonaws.com(.cn)`. */
const ECR_PRIVATE_HOST = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

function checkImage(
  image: string,
  field: string,
  target: JobTarget,
  scope: IConstruct,
  problems: JobProblem[],
  warnings: JobProblem[],
): void {
  const grant = 'cluster.addImageRepository(repository) (or imageRepositories), or publish the image with NomadImage';
  if (Token.isUnresolved(image)) {
    const stack = Stack.of(scope);
    const resolved = joinParts(stack.resolve(image));
    const granted = target.repositories.some((repository) =>
      startsWithParts(resolved, joinParts(stack.resolve(repository.repositoryUri))),
    );
    if (!granted) {
      warnings.push({
        field,
        message: `the image is a deploy-time value that is not in one of the cluster's ECR repositories, so it cannot be checked at synth time; if the clients cannot pull it, the allocations fail. Use ${grant}.`,
      });
    }
    return;
  }
  const host = registryHost(image);
  if (host === undefined) {
    return; // Docker Hub, pulled anonymously through the VPC's egress.
  }
  const hostName = host.split(':')[0] ?? host;
  if (hostName === 'localhost' || hostName === '127.0.0.1' || hostName === '[::1]') {
    problems.push({
      field,
      message: `expected an image in a registry the clients can reach, received "${image}", which points at the machine that pulls it (localhost). Push the image to ECR and use ${grant}.`,
    });
    return;
  }
  if (!ECR_PRIVATE_HOST.test(host)) {
    return; // A public (or self-authenticated) registry.
  }
  const path = repositoryPath(image, host);
  const names = target.repositories.map((repository) => repository.repositoryName);
  if (names.some((name) => !Token.isUnresolved(name) && name === path)) {
    return;
  }
  if (names.some((name) => Token.isUnresolved(name))) {
    warnings.push({
      field,
      message: `"${image}" is in a private ECR registry; the cluster's repositories are named at deploy time, so whether the clients may pull it cannot be checked at synth time. If not, use ${grant}.`,
    });
    return;
  }
  problems.push({
    field,
    message: `expected an image the clients may pull, received "${image}": the repository "${path}" is not one of the cluster's ECR repositories (${
      names.length === 0 ? 'it has none' : names.join(', ')
    }), so every pull would be denied. Use ${grant}.`,
  });
}

/** A resolved CloudFormation string as the parts of its `Fn::Join ['', parts]` (or itself). */
function joinParts(resolved: unknown): unknown[] {
  if (typeof resolved === 'string') {
    return [resolved];
  }
  if (resolved !== null && typeof resolved === 'object' && 'Fn::Join' in resolved) {
    const [separator, parts] = (resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    if (separator === '') {
      return parts;
    }
  }
  return [resolved];
}

/**
 * Whether an image (as join parts) starts with a repository URI (as join parts), followed by `@`
 * or `:` (a digest or a tag).
 */
function startsWithParts(image: readonly unknown[], repository: readonly unknown[]): boolean {
  if (repository.length === 0 || image.length < repository.length) {
    return false;
  }
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const last = repository.length - 1;
  for (let index = 0; index < last; index++) {
    if (!same(image[index], repository[index])) {
      return false;
    }
  }
  const repositoryEnd = repository[last];
  const imagePart = image[last];
  let rest: unknown;
  if (typeof repositoryEnd === 'string') {
    if (typeof imagePart !== 'string' || !imagePart.startsWith(repositoryEnd)) {
      return false;
    }
    rest = imagePart.slice(repositoryEnd.length) || image[last + 1];
  } else {
    if (!same(imagePart, repositoryEnd)) {
      return false;
    }
    rest = image[last + 1];
  }
  return typeof rest === 'string' && (rest.startsWith('@') || rest.startsWith(':'));
}
