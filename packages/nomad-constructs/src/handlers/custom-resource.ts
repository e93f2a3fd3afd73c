import { withRetries } from '@org/jobspec-builder/client';
import * as z from 'zod/mini';

/**
 * A small runtime for the package's CloudFormation custom resources: it runs a handler for the
 * request, and always answers CloudFormation (SUCCESS, or FAILED with the error message as the
 * reason shown in the stack events), also when the function is about to time out. A custom
 * resource that never answers leaves the stack waiting for an hour.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html
 */

/** The request CloudFormation sends to a custom resource's function. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
}

/** The subset of the Lambda context the runtime uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
  readonly logStreamName?: string;
}

/** What a handler returns: the physical id and attributes readable with `Fn::GetAtt`. */
export interface CustomResourceResult {
  readonly physicalResourceId: string;
  /** Never a key, certificate private key or token: CloudFormation shows these to anyone who can describe the stack. */
  readonly data?: Readonly<Record<string, string>>;
}

/** The work of one custom resource, given the request and a deadline (epoch milliseconds). */
export type CustomResourceHandler = (event: CustomResourceEvent, deadline: number) => Promise<CustomResourceResult>;

/** An error whose message is meant for the person reading the stack events, as is. */
export class CustomResourceError extends Error {
  public override readonly name = 'CustomResourceError';
}

/** How long before the Lambda timeout the runtime gives up and answers FAILED. */
const SAFETY_MARGIN_MS = 15_000;
/** CloudFormation rejects response bodies over 4096 bytes: reasons are cut well below. */
const MAX_REASON_LENGTH = 1500;

/**
 * One JSON log line. Values are what the caller passes: callers never pass secrets (the tests
 * capture every line and check).
 */
export function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level, message, ...fields }));
}

/**
 * Wraps a handler into a Lambda entry point that always answers CloudFormation.
 *
 * @param respond - sends the response (tests pass their own; the default PUTs to the pre-signed URL)
 */
export function customResourceHandler(
  handler: CustomResourceHandler,
  respond: (url: string, body: string) => Promise<void> = putResponse,
): (event: CustomResourceEvent, context: LambdaContext) => Promise<void> {
  return async (event, context) => {
    const deadline = Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
    log('info', `${event.RequestType} ${event.ResourceType}`, {
      logicalResourceId: event.LogicalResourceId,
      physicalResourceId: event.PhysicalResourceId,
      requestId: event.RequestId,
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CustomResourceError('timed out before the work was done; see the function log for progress')),
        Math.max(0, deadline - Date.now()),
      );
    });
    let body: ResponseBody;
    try {
      const result = await Promise.race([handler(event, deadline), timeout]);
      body = responseBody(event, 'SUCCESS', result.physicalResourceId, undefined, result.data);
      log('info', 'succeeded', { physicalResourceId: result.physicalResourceId, data: result.data ?? {} });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log('error', 'failed', { error: message, stack: error instanceof Error ? error.stack : undefined });
      const where = context.logStreamName ? ` (log stream ${context.logStreamName})` : '';
      body = responseBody(
        event,
        'FAILED',
        // A failed Create has no resource: a fixed id makes the rollback's Delete a no-op.
        event.PhysicalResourceId ?? `failed-${event.RequestId}`,
        `${truncate(message, MAX_REASON_LENGTH)}${where}`,
      );
    } finally {
      clearTimeout(timer);
    }
    await respond(event.ResponseURL, JSON.stringify(body));
  };
}

interface ResponseBody {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Readonly<Record<string, string>>;
}

function responseBody(
  event: CustomResourceEvent,
  status: 'SUCCESS' | 'FAILED',
  physicalResourceId: string,
  reason?: string,
  data?: Readonly<Record<string, string>>,
): ResponseBody {
  return {
    Status: status,
    Reason: reason,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  };
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** PUTs the response to CloudFormation's pre-signed S3 URL, with a few retries. */
async function putResponse(url: string, body: string): Promise<void> {
  await withRetries(
    async () => {
      // The URL is signed without a content type: send none.
      const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
    },
    (error, attempt) => {
      log('warn', 'could not send the response to CloudFormation', { attempt, error: String(error) });
      return attempt >= 5 ? undefined : 1000 * attempt;
    },
  );
}

/**
 * The resource properties, checked against the construct's contract (a zod schema shared with the
 * construct); a clear error names each bad property, what it expects and what it received.
 */
export function parseProperties<T extends z.ZodMiniType>(schema: T, event: CustomResourceEvent): z.output<T> {
  const parsed = z.safeParse(schema, event.ResourceProperties);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.path.length === 0) {
        return `(properties): ${issue.message}`;
      }
      const name = issue.path.join('.');
      const received = issue.path.reduce<unknown>(
        (value, key) =>
          value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined,
        event.ResourceProperties,
      );
      return `${name}: expected the property ${name} to be ${issue.message}, received ${JSON.stringify(received)}`;
    });
    throw new CustomResourceError(
      `the resource properties do not match what this handler reads (${problems.join('; ')}): deploy the construct and its handler from the same @org/nomad-constructs version`,
    );
  }
  return parsed.data;
}
