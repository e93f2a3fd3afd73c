import { resolve } from 'node:path';
import { formatIssues, type Job, type JobspecIssue } from '@org/jobspec-builder';
import { Annotations, CustomResource, Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { SERVER_JOIN_TAG } from '../cluster/node-group';
import type { NomadCluster } from '../cluster/nomad-cluster';
import { NomadPorts } from '../cluster/nomad-ports';
import { NomadError } from '../errors';
import { requireSynthTimeValues } from '../validation/synth-time-values';
import { importHclJobFile } from './hcl-job-file';
import { jobPhysicalId, NOMAD_JOB_RESOURCE_TYPE, type NomadJobPropertiesInput } from './job-contract';
import { type ApiJob, encodeJobSpec, INLINE_SPEC_LIMIT_BYTES, writeSpecFile } from './job-spec';
import { checkJobForCluster, jobHostVolumes, jobNodePool, poolsOfJob } from './job-validation';
import { NomadJobDeployer } from './nomad-job-deployer';

/** The longest a deployment may take: CloudFormation waits an hour at most for a custom resource. */
const MAX_TIMEOUT = Duration.minutes(50);

/**
 * Props of {@link NomadJob}. Give the job as a `@org/jobspec-builder` `Job` (`job`) or as an HCL
 * jobspec file (`hclFile`, with `variables`), not both.
 */
export interface NomadJobProps {
  /** The cluster that runs the job. */
  readonly cluster: NomadCluster;
  /**
   * The job, built with `@org/jobspec-builder`. Its strings may hold deploy-time values (an image
   * digest from `NomadImage.imageUri`, a bucket name): they are filled in by CloudFormation.
   *
   * @default - none: `hclFile` is required
   */
  readonly job?: Job;
  /**
   * An HCL jobspec file (`*.nomad.hcl`), read at synth time with `@org/jobspec-builder`'s importer
   * (HashiCorp's HCL parser, then Nomad's evaluation of variables, locals and functions).
   *
   * @default - none: `job` is required
   */
  readonly hclFile?: string;
  /**
   * Values of the HCL file's input variables, as `nomad job run -var name=value` takes them.
   * `NOMAD_VAR_*` environment variables are not read: the template depends on the props only.
   *
   * @default - none: each variable's default
   */
  readonly variables?: Record<string, string>;
  /**
   * When the resource is deleted, remove the job from Nomad at once (`nomad job stop -purge`)
   * instead of stopping it and leaving it to Nomad's garbage collection.
   *
   * @default false
   */
  readonly purge?: boolean;
  /**
   * How long a Create or Update may take, from the registration to a successful deployment (or, for
   * system jobs, every allocation running and healthy), before the resource fails with Nomad's state
   * as the reason. At most 50 minutes: CloudFormation waits an hour at most for a custom resource.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
}

/**
 * A Nomad job deployed by `cdk deploy`, rolled back with the stack when its deployment fails.
 *
 * At synth time the job is validated (`Job.validate()`: what Nomad's server would reject) and
 * checked against the cluster: its node pool exists, its datacenters match, its images come from
 * registries the clients may pull from, its canaries are promoted automatically. Each problem is an
 * error that names the job field and the fix.
 *
 * At deploy time a custom resource (`Custom::NomadJob`) in the cluster's VPC plans the job,
 * registers it with check-and-set (`EnforceIndex`), and follows its evaluation and deployment:
 * a service job succeeds when its deployment is `successful` and fails, with Nomad's own
 * description, when it is `failed` (after Nomad's `auto_revert`, if the job has it), so
 * CloudFormation rolls the stack back and registers the previous version again. System jobs wait
 * for their allocations to run and be healthy; batch, sysbatch, periodic and parameterized jobs are
 * registered only. Deleting the resource stops the job (`purge` removes it). A new job ID or
 * namespace replaces the resource (the old job is stopped after the new one is deployed).
 *
 * The resource uses a deployer ACL token of the job's namespace (submit and read jobs, mount the
 * job's host volumes: nothing else), created by the cluster's ACL resource and read from Secrets
 * Manager at run time; the servers' certificates are verified against the cluster CA.
 */
export class NomadJob extends Construct {
  /** The job ID. */
  public readonly jobId: string;
  /** The namespace the job runs in. */
  public readonly namespace: string;
  /** The job type: `service`, `system`, `batch` or `sysbatch`. */
  public readonly jobType: string;
  /** The node pool the job runs in. */
  public readonly nodePool: string;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The cluster's deployer (the function and provider behind every `NomadJob` of the cluster). */
  public readonly deployer: NomadJobDeployer;
  /** The job version the last deploy registered (`Fn::GetAtt`). */
  public readonly attrJobVersion: string;
  /** The deployment that rolled it out; empty for jobs without one. */
  public readonly attrDeploymentId: string;
  /** The evaluation the registration created; empty for periodic and parameterized jobs. */
  public readonly attrEvaluationId: string;

  public constructor(scope: Construct, id: string, props: NomadJobProps) {
    super(scope, id);
    const path = this.node.path;
    requireSynthTimeValues(path, {
      timeout: [props.timeout, "it is checked against its limits and sets the provider's total timeout"],
    });
    const { cluster } = props;
    const { job, issues, source } = readJob(props, path);
    if (issues.length > 0) {
      throw new NomadError(
        'invalid-job',
        `${path}.${source}`,
        `expected a job Nomad accepts, received one with ${formatIssues(issues).replace(/^\d+ problems? in the job:\n/, `${issues.length} problem${issues.length === 1 ? '' : 's'}:\n`)}\nFix the job (each line names the field).`,
      );
    }
    this.jobId = String(job.ID);
    this.namespace = typeof job.Namespace === 'string' && job.Namespace !== '' ? job.Namespace : 'default';
    this.jobType = typeof job.Type === 'string' && job.Type !== '' ? job.Type : 'service';
    this.nodePool = jobNodePool(job);
    for (const [name, value] of [
      ['id', this.jobId],
      ['namespace', this.namespace],
    ] as const) {
      if (Token.isUnresolved(value)) {
        throw new NomadError(
          'unresolved-token',
          `${path}.${source}.${name}`,
          `expected the job's ${name} known at synth time, received a deploy-time value. It is the resource's physical ID: write it.`,
        );
      }
    }

    const checked = checkJobForCluster(
      job,
      {
        clusterPath: cluster.node.path,
        datacenter: cluster.datacenter,
        pools: cluster.pools,
        repositories: cluster.imageRepositories,
      },
      this,
    );
    if (checked.problems.length > 0) {
      const [first, ...rest] = checked.problems;
      throw new NomadError(
        'invalid-job',
        `${path}.${source}.${first?.field}`,
        [
          first?.message,
          ...rest.map((problem) => `Also at ${path}.${source}.${problem.field}: ${problem.message}`),
        ].join('\n'),
      );
    }
    for (const warning of checked.warnings) {
      Annotations.of(this).addWarningV2(
        '@org/nomad-constructs:jobCheck',
        `${source}.${warning.field}: ${warning.message}`,
      );
    }

    const timeout = props.timeout ?? Duration.minutes(30);
    const timeoutSeconds = timeout.toSeconds({ integral: false });
    if (
      Token.isUnresolved(timeoutSeconds) ||
      !Number.isInteger(timeoutSeconds) ||
      timeoutSeconds < 60 ||
      timeoutSeconds > MAX_TIMEOUT.toSeconds()
    ) {
      throw new NomadError(
        'invalid-prop',
        `${path}.timeout`,
        `expected whole seconds from 1 to 50 minutes, received ${timeout.toHumanString()}. CloudFormation waits an hour at most for a custom resource: use Duration.minutes() up to 50.`,
      );
    }

    this.deployer = NomadJobDeployer.of(cluster);
    const tokenSecret = cluster.acl.addDeployer(this.namespace, jobHostVolumes(job));
    this.deployer.grantToken(this.namespace, tokenSecret);

    const encoded = encodeJobSpec(job, `${path}.${source}`);
    let spec: Pick<NomadJobPropertiesInput, 'Job' | 'JobLocation'>;
    if (Buffer.byteLength(encoded.json) <= INLINE_SPEC_LIMIT_BYTES) {
      spec = { Job: encoded.json };
    } else {
      const asset = new s3assets.Asset(this, 'Spec', { path: `${writeSpecFile(encoded.json)}/job.json` });
      this.deployer.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
        }),
      );
      spec = { JobLocation: { Bucket: asset.s3BucketName, Key: asset.s3ObjectKey } };
    }

    const properties = {
      ServerTagKey: SERVER_JOIN_TAG,
      ServerTagValue: cluster.clusterName,
      NomadRegion: cluster.nomadRegion,
      HttpPort: NomadPorts.HTTP,
      CaCertificateSecretArn: cluster.secrets.caCertificate.secretArn,
      TokenSecretArn: tokenSecret.secretArn,
      JobId: this.jobId,
      Namespace: this.namespace,
      JobType: this.jobType as NomadJobPropertiesInput['JobType'],
      Periodic: isEnabled(job.Periodic),
      Parameterized: job.ParameterizedJob !== undefined && job.ParameterizedJob !== null,
      ...spec,
      ...(Object.keys(encoded.substitutions).length > 0 ? { Substitutions: encoded.substitutions } : {}),
      Purge: props.purge ?? false,
      TimeoutSeconds: timeoutSeconds,
    } satisfies NomadJobPropertiesInput;

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.deployer.serviceToken,
      resourceType: NOMAD_JOB_RESOURCE_TYPE,
      // The job's own timeout fails it first; this is CloudFormation's limit for a lost answer.
      serviceTimeout: Duration.seconds(Math.min(3600, timeoutSeconds + 600)),
      properties,
    });
    // The token and namespace exist once the ACL resource ran; the job's clients once their pools
    // signalled; the function may reach the servers once its rule exists.
    this.resource.node.addDependency(cluster.acl.resource, this.deployer);
    for (const pool of poolsOfJob(job, cluster.pools)) {
      this.resource.node.addDependency(pool.autoScalingGroup);
    }
    this.attrJobVersion = this.resource.getAttString('JobVersion');
    this.attrDeploymentId = this.resource.getAttString('DeploymentId');
    this.attrEvaluationId = this.resource.getAttString('EvaluationId');
  }

  /** The physical ID of the resource: `namespace/jobId`. */
  public get physicalId(): string {
    return jobPhysicalId(this.namespace, this.jobId);
  }
}

/** The job in the API's form, what validation found, and the prop it came from. */
function readJob(
  props: NomadJobProps,
  path: string,
): { job: ApiJob; issues: readonly JobspecIssue[]; source: 'job' | 'hclFile' } {
  if ((props.job === undefined) === (props.hclFile === undefined)) {
    throw new NomadError(
      'invalid-prop',
      `${path}.job`,
      `expected exactly one of job and hclFile, received ${props.job === undefined ? 'neither' : 'both'}. Give the job as a Job (job) or as an HCL jobspec file (hclFile).`,
    );
  }
  if (props.variables !== undefined && props.hclFile === undefined) {
    throw new NomadError(
      'invalid-prop',
      `${path}.variables`,
      'expected variables only with hclFile (they are the HCL input variables), received them with job. Pass the values to your job builder instead.',
    );
  }
  if (props.job !== undefined) {
    return { job: props.job.toApiJson({ validate: false }).Job, issues: props.job.validate(), source: 'job' };
  }
  const file = resolve(props.hclFile as string);
  try {
    const imported = importHclJobFile(file, props.variables ?? {});
    return { job: imported.job, issues: imported.issues, source: 'hclFile' };
  } catch (error) {
    throw new NomadError(
      'invalid-job',
      `${path}.hclFile`,
      `expected a jobspec Nomad can read in ${file}, received: ${(error as Error).message}\nFix the file (or the variables).`,
    );
  }
}

/** A periodic block counts when it is enabled (Nomad's default). */
function isEnabled(periodic: unknown): boolean {
  if (periodic === undefined || periodic === null || typeof periodic !== 'object') {
    return false;
  }
  return (periodic as { Enabled?: boolean }).Enabled !== false;
}
