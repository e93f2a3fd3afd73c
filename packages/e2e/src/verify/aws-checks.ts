import { DescribeImageScanFindingsCommand } from '@aws-sdk/client-ecr';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { NomadClient } from '@org/jobspec-builder';
import type { AwsDeps } from '../cli/aws';
import { type Check, CheckFailure } from './checks';

/** hello-world answers `GET /` through the load balancer and Traefik with its greeting. */
export function helloWorldCheck(aws: Pick<AwsDeps, 'httpGet'>, url: string | undefined): Check {
  return {
    name: 'hello-world',
    async run() {
      if (url === undefined) {
        throw new CheckFailure(
          'the stack has no load balancer (HelloWorldUrl output): deploy it with its UI (-c nomad:domainName=... nomad:hostedZoneId=... nomad:hostedZoneName=... nomad:allowedCidrs=...).',
        );
      }
      let answer: { status: number; body: string };
      try {
        answer = await aws.httpGet(url);
      } catch (error) {
        throw new CheckFailure(
          `no answer from ${url}: ${error instanceof Error ? error.message : String(error)}. Is your address in nomad:allowedCidrs?`,
        );
      }
      if (answer.status !== 200) {
        const why =
          answer.status === 502 || answer.status === 503
            ? ' (the load balancer has no healthy Traefik, or Traefik no healthy hello-world: `nomad job status traefik`, `nomad job status hello-world`)'
            : answer.status === 404
              ? ' (Traefik has no route: is the hello-world service tagged traefik.enable=true?)'
              : '';
        throw new CheckFailure(`HTTP ${answer.status} from ${url}${why}`);
      }
      if (!answer.body.startsWith('Hello from')) {
        throw new CheckFailure(
          `HTTP 200 from ${url}, but not hello-world's greeting: ${JSON.stringify(answer.body.slice(0, 80))}`,
        );
      }
      return `HTTP 200 from ${url}: ${answer.body.trim()}`;
    },
  };
}

/** Options of {@link trainerRunCheck}. */
export interface TrainerRunCheckOptions {
  readonly bucket: string;
  /** The prefix the trainer job writes runs under. @default 'trainer' */
  readonly prefix?: string;
  /** The run's id (dispatch meta `run_id`) and so its S3 prefix. */
  readonly runId: string;
  /** How often the dispatched job is polled. @default 10 s */
  readonly pollMs?: number;
  /** How many polls before giving up. @default 90 (15 minutes at 10 s) */
  readonly maxPolls?: number;
  /**
   * Dispatch with the run id as Nomad's idempotency token: calling the check again finds the same
   * dispatched job instead of starting another run (the integ verifier, called until it passes).
   * @default false
   */
  readonly idempotent?: boolean;
}

/**
 * Dispatches a short training run of the `trainer` job and waits for it: the dispatched job must
 * end with its allocation complete, and the run's model and metrics must be in the data bucket.
 */
export function trainerRunCheck(
  nomad: NomadClient,
  aws: Pick<AwsDeps, 's3' | 'sleep'>,
  options: TrainerRunCheckOptions,
): Check {
  const prefix = options.prefix ?? 'trainer';
  return {
    name: 'trainer run',
    async run() {
      const dispatched = await nomad.dispatch('trainer', {
        meta: { run_id: options.runId, epochs: '3' },
        ...(options.idempotent === true ? { idempotencyToken: options.runId } : {}),
      });
      const jobId = dispatched.DispatchedJobID;
      if (jobId === undefined || jobId === '') {
        throw new CheckFailure(
          'the dispatch of trainer returned no job: is the trainer job registered (`nomad job status trainer`)?',
        );
      }
      let status = '';
      for (let poll = 0; poll < (options.maxPolls ?? 90); poll++) {
        status = String((await nomad.readJob(jobId)).Status ?? '');
        if (status === 'dead') {
          break;
        }
        await aws.sleep(options.pollMs ?? 10_000);
      }
      if (status !== 'dead') {
        throw new CheckFailure(
          `run ${options.runId} (${jobId}) still ${status || 'pending'} after ${options.maxPolls ?? 90} polls: is the spot pool's client ready? \`nomad job status ${jobId}\``,
        );
      }
      const allocations = await nomad.jobAllocations(jobId);
      const complete = allocations.filter((allocation) => allocation.ClientStatus === 'complete');
      if (complete.length === 0) {
        const failed = allocations.find((allocation) => allocation.ClientStatus === 'failed') ?? allocations[0];
        const events = Object.values(failed?.TaskStates ?? {}).flatMap((state) => state.Events ?? []);
        const last = events.filter((event) => (event.DisplayMessage ?? '') !== '').at(-1);
        throw new CheckFailure(
          `run ${options.runId} failed${failed ? `: allocation ${String(failed.ID).slice(0, 8)} ${failed.ClientStatus}` : ': no allocation'}${last ? ` (${last.Type}: ${last.DisplayMessage})` : ''}. \`nomad alloc logs ${failed ? String(failed.ID).slice(0, 8) : '<alloc>'}\``,
        );
      }
      const keys = ['model.json', 'metrics.json'].map((file) => `${prefix}/${options.runId}/${file}`);
      for (const key of keys) {
        try {
          await aws.s3().send(new HeadObjectCommand({ Bucket: options.bucket, Key: key }));
        } catch (error) {
          const name = (error as { name?: string }).name;
          throw new CheckFailure(
            `run ${options.runId} completed but s3://${options.bucket}/${key} is ${name === 'NotFound' ? 'missing' : `unreadable (${name ?? String(error)})`}.`,
          );
        }
      }
      return `run ${options.runId} complete, s3://${options.bucket}/${prefix}/${options.runId}/ has model.json and metrics.json`;
    },
  };
}

/** No image the jobs run has a CRITICAL finding in its ECR scan. */
export function imageScanCheck(
  aws: Pick<AwsDeps, 'ecr'>,
  images: ReadonlyArray<{ readonly name: string; readonly uri: string }>,
): Check {
  return {
    name: 'image scans',
    async run() {
      if (images.length === 0) {
        throw new CheckFailure('the stack lists no image (HelloWorldAppImageUri, TrainerImageUri outputs).');
      }
      const problems: string[] = [];
      const clean: string[] = [];
      for (const image of images) {
        const match = /^(\d+)\.dkr\.ecr\.[^/]+\/([^@]+)@(sha256:[0-9a-f]{64})$/.exec(image.uri);
        if (match === null) {
          problems.push(`${image.name}: ${image.uri} is not an ECR image by digest`);
          continue;
        }
        const [, registryId, repositoryName, imageDigest] = match;
        const result = await aws
          .ecr()
          .send(new DescribeImageScanFindingsCommand({ registryId, repositoryName, imageId: { imageDigest } }));
        const status = result.imageScanStatus?.status;
        if (status !== 'COMPLETE') {
          problems.push(
            `${image.name}: scan ${status ?? 'missing'}${result.imageScanStatus?.description ? ` (${result.imageScanStatus.description})` : ''}`,
          );
          continue;
        }
        const critical = result.imageScanFindings?.findingSeverityCounts?.CRITICAL ?? 0;
        if (critical > 0) {
          const names = (result.imageScanFindings?.findings ?? [])
            .filter((finding) => finding.severity === 'CRITICAL')
            .map((finding) => finding.name)
            .slice(0, 3);
          problems.push(
            `${image.name}: ${critical} CRITICAL finding${critical === 1 ? '' : 's'}${names.length > 0 ? ` (${names.join(', ')})` : ''}`,
          );
          continue;
        }
        clean.push(image.name);
      }
      if (problems.length > 0) {
        throw new CheckFailure(`${problems.join('; ')}.`);
      }
      return `no CRITICAL finding (${clean.join(', ')})`;
    },
  };
}
