import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { imageHandler } from '../../src/handlers/nomad-image';
import { FakeEcr } from './fake-ecr';
import { captureLogs } from './fakes';
import { type HarnessOptions, ResponseEndpoint, runThroughProvider } from './provider-harness';

const SOURCE = 'cdk-hnb659fds-container-assets-123456789012-eu-west-1';
const TARGET = 'reference-hello-world-app';
const TAG = 'a'.repeat(64);

function properties(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    SourceRepositoryName: SOURCE,
    Tag: TAG,
    TargetRepositoryName: TARGET,
    Platform: 'linux/amd64',
    ScanGate: 'true',
    FailOnSeverity: 'CRITICAL',
    TimeoutSeconds: '1200',
    ...extra,
  };
}

function request(type: 'Create' | 'Update' | 'Delete', props: Record<string, unknown>): Record<string, unknown> {
  return {
    RequestType: type,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Apps/1',
    RequestId: `request-${Math.random()}`,
    LogicalResourceId: 'HelloWorldImage',
    ResourceType: 'Custom::NomadImage',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:framework-onEvent', ...props },
    ...(type === 'Create' ? {} : { PhysicalResourceId: `${TARGET}:${TAG}` }),
  };
}

describe('Custom::NomadImage handler, through CDK provider framework, against ECR', () => {
  let ecr: FakeEcr;
  let endpoint: ResponseEndpoint;
  let logs: ReturnType<typeof captureLogs>;
  let clock: number;

  beforeAll(async () => {
    endpoint = await ResponseEndpoint.start();
  });
  afterAll(() => endpoint.close());
  beforeEach(async () => {
    ecr = await FakeEcr.start();
    clock = Date.UTC(2026, 11, 7, 12, 0, 0);
    logs = captureLogs();
  });
  afterEach(async () => {
    logs.restore();
    await ecr.stop();
  });

  const run = (event: Record<string, unknown>, options: HarnessOptions = {}) =>
    runThroughProvider(imageHandler(ecr.client, { now: () => clock }) as never, endpoint, event, {
      beforeIsComplete: () => {
        clock += 15_000;
      },
      ...options,
    });
  /** ECR scans the copied image: a clean scan for every platform image. */
  const scanned = (
    digest: string,
    scan: Parameters<FakeEcr['scans']['set']>[1] = { status: 'COMPLETE', counts: {} },
  ) => {
    for (const image of ecr.platformDigests(SOURCE, digest)) {
      ecr.scans.set(image, { ...scan });
    }
  };

  it('copies the image into the repository under the same tag and digest, in parts, and passes a clean scan', async () => {
    const digest = ecr.push(SOURCE, TAG);
    scanned(digest, { status: 'COMPLETE', counts: { HIGH: 2, LOW: 5 }, inProgressReads: 2 });
    const { response, isCompleteCalls } = await run(request('Create', properties()));
    expect(response).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: `${TARGET}:${TAG}`,
      Data: {
        ImageDigest: digest,
        ScanFindings: 'CRITICAL=0 HIGH=2 MEDIUM=0 LOW=5 INFORMATIONAL=0 UNDEFINED=0',
      },
    });
    expect(ecr.repository(TARGET).tags.get(TAG)).toBe(digest);
    expect([...ecr.repository(TARGET).blobs.keys()].sort()).toEqual([...ecr.repository(SOURCE).blobs.keys()].sort());
    expect(ecr.calls.filter((call) => call.startsWith('UploadLayerPart')).length).toBeGreaterThan(2);
    // Waited for the scan: two calls saw it in progress.
    expect(isCompleteCalls).toBe(3);
  });

  it('copies only the blobs the repository lacks, and nothing when the tag is already there', async () => {
    const digest = ecr.push(SOURCE, TAG);
    ecr.push(TARGET, 'older');
    scanned(digest);
    // The older image has the same config (same platform): only the new layer goes up.
    await run(request('Create', properties()));
    expect(ecr.calls.filter((call) => call.startsWith('CompleteLayerUpload'))).toHaveLength(1);
    ecr.calls.length = 0;
    const again = await run(request('Update', properties()));
    expect(again.response.Status).toBe('SUCCESS');
    expect(ecr.calls.filter((call) => /Upload|PutImage/.test(call))).toEqual([]);
  });

  it('copies an image index (platform images, attestation) and scans only the image for the clients platform', async () => {
    const digest = ecr.push(SOURCE, TAG, ['linux/amd64', 'linux/arm64'], true);
    scanned(digest);
    const { response } = await run(request('Create', properties({ Platform: 'linux/arm64' })));
    expect(response.Status).toBe('SUCCESS');
    expect(response.Data?.ImageDigest).toBe(digest);
    const arm = JSON.parse(ecr.repository(SOURCE).manifests.get(digest)?.text ?? '{}').manifests.find(
      (m: { platform: { architecture: string } }) => m.platform.architecture === 'arm64',
    ).digest;
    expect(ecr.calls.filter((call) => call.startsWith('DescribeImageScanFindings'))).toEqual([
      `DescribeImageScanFindings ${arm}`,
    ]);
    expect(ecr.repository(TARGET).manifests.size).toBe(ecr.repository(SOURCE).manifests.size);
  });

  it('fails, before any job runs it, when the image is built for another platform', async () => {
    ecr.push(SOURCE, TAG, ['linux/amd64']);
    const { response } = await run(request('Create', properties({ Platform: 'linux/arm64' })));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      `the image ${TARGET}:${TAG} is built for linux/amd64, but the clients run linux/arm64: its containers would fail to start ("exec format error").`,
    );
  });

  it('fails on a CRITICAL finding, naming the findings', async () => {
    const digest = ecr.push(SOURCE, TAG);
    scanned(digest, {
      status: 'COMPLETE',
      counts: { CRITICAL: 1, HIGH: 3 },
      findings: [
        { name: 'CVE-2026-0001', severity: 'CRITICAL', packageName: 'openssl' },
        { name: 'CVE-2026-0002', severity: 'HIGH', packageName: 'zlib' },
      ],
    });
    const { response } = await run(request('Create', properties()));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      `ECR's scan of ${TARGET}@${digest} found 1 CRITICAL finding(s) (the NomadImage fails at CRITICAL and above): CVE-2026-0001 (CRITICAL, openssl). Update the base image or packages, or raise failOnSeverity.`,
    );
  });

  it('fails on HIGH findings when the threshold is lowered to HIGH', async () => {
    const digest = ecr.push(SOURCE, TAG);
    scanned(digest, {
      status: 'COMPLETE',
      counts: { HIGH: 1 },
      findings: [{ name: 'CVE-2026-0002', severity: 'HIGH' }],
    });
    const { response } = await run(request('Create', properties({ FailOnSeverity: 'HIGH' })));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      'found 1 HIGH finding(s) (the NomadImage fails at HIGH and above): CVE-2026-0002 (HIGH)',
    );
  });

  it('starts a scan when none ran on push', async () => {
    ecr.push(SOURCE, TAG);
    ecr.startedScan = { status: 'COMPLETE', counts: { MEDIUM: 1 } };
    const { response } = await run(request('Create', properties()));
    expect(response.Status).toBe('SUCCESS');
    expect(ecr.calls.filter((call) => call.startsWith('StartImageScan'))).toHaveLength(1);
    expect(response.Data?.ScanFindings).toContain('MEDIUM=1');
  });

  it('fails when ECR cannot scan the image, unless the scan gate is off', async () => {
    const digest = ecr.push(SOURCE, TAG);
    scanned(digest, { status: 'UNSUPPORTED_IMAGE', description: 'The operating system is not supported.' });
    const gated = await run(request('Create', properties()));
    expect(gated.response.Status).toBe('FAILED');
    expect(gated.response.Reason).toContain(
      `(UNSUPPORTED_IMAGE: The operating system is not supported.), so the scan gate cannot pass it. Use a base image ECR can scan, or set scanGate: false on the NomadImage.`,
    );
    const ungated = await run(request('Update', properties({ ScanGate: 'false' })));
    expect(ungated.response).toMatchObject({
      Status: 'SUCCESS',
      Data: { ImageDigest: digest, ScanFindings: 'scan gate off' },
    });
  });

  it('fails when the image cdk deploy should have pushed is missing', async () => {
    const { response } = await run(request('Create', properties()));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(
      `the image ${SOURCE}:${TAG} that cdk deploy should have pushed is not there: deploy with the CDK CLI (it builds and pushes the image first)`,
    );
  });

  it('refuses a blob whose bytes do not match its digest', async () => {
    const digest = ecr.push(SOURCE, TAG);
    scanned(digest);
    const layer = JSON.parse(ecr.repository(SOURCE).manifests.get(digest)?.text ?? '{}').layers[0].digest as string;
    ecr.corrupt.add(layer);
    const { response } = await run(request('Create', properties()));
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toContain(`the blob downloaded for ${layer} has the digest`);
    expect(ecr.repository(TARGET).tags.size).toBe(0);
  });

  it('fails with a clear reason at the timeout while the scan is still running', async () => {
    const digest = ecr.push(SOURCE, TAG);
    scanned(digest, { status: 'COMPLETE', inProgressReads: 1000 });
    const { response, isCompleteCalls } = await run(request('Create', properties({ TimeoutSeconds: '300' })), {
      maxIsCompleteCalls: 100,
    });
    expect(isCompleteCalls).toBe(20);
    expect(response.Reason).toContain(
      `the image ${TARGET}:${TAG} was not published and scanned within 5 minutes (the NomadImage timeout)`,
    );
  });

  it('leaves the image in its repository on Delete', async () => {
    const { response } = await run(request('Delete', properties()));
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${TARGET}:${TAG}` });
    expect(ecr.calls).toEqual([]);
  });
});
