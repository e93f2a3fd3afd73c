import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * CDK's provider framework (`custom_resources.Provider`) run in this process: the very runtime
 * aws-cdk-lib deploys as the framework's Lambda functions (`onEvent`, `isComplete`, `onTimeout`),
 * with the three things Lambda and Step Functions would do replaced:
 *
 * - invoking the user function: the handler is called in process, and its errors come back as
 *   Lambda reports them (`FunctionError` with `errorMessage` and `trace`);
 * - the waiter state machine: `isComplete` is called again after every "not yet" (Step Functions'
 *   retry), up to `maxIsCompleteCalls`, then `onTimeout` (its catch);
 * - the response: the framework PUTs it to CloudFormation's pre-signed URL, here a loopback HTTP
 *   server that records every response (and can drop the first ones, as a lost answer).
 */

interface FrameworkModule {
  onEvent(event: unknown): Promise<void>;
  isComplete(event: unknown): Promise<void>;
  onTimeout(event: unknown): Promise<void>;
}

interface OutboundModule {
  invokeFunction: (request: { FunctionName: string; Payload: string }) => Promise<unknown>;
  startExecution: (request: { stateMachineArn: string; input: string }) => Promise<unknown>;
  httpRequest: (
    options: { path: string; method: string; headers: Record<string, unknown> },
    body: string,
  ) => Promise<void>;
}

const RUNTIME_DIR = join(
  dirname(require.resolve('aws-cdk-lib/package.json')),
  'custom-resources',
  'lib',
  'provider-framework',
  'runtime',
);
const framework = require(join(RUNTIME_DIR, 'framework.js')) as FrameworkModule;
const outbound = require(join(RUNTIME_DIR, 'outbound.js')) as OutboundModule;
const cfnResponse = require(join(RUNTIME_DIR, 'cfn-response.js')) as { Retry: new () => Error };

/** A response the framework sent to CloudFormation. */
export interface CfnResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** A loopback "CloudFormation" that records the responses PUT to its pre-signed URL. */
export class ResponseEndpoint {
  public readonly responses: CfnResponse[] = [];
  /** PUTs answered with HTTP 503 before one is accepted (a response lost on the way). */
  public failNext = 0;
  public failed = 0;
  private server?: Server;
  public port = 0;

  public static async start(): Promise<ResponseEndpoint> {
    const endpoint = new ResponseEndpoint();
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (endpoint.failNext > 0) {
          endpoint.failNext--;
          endpoint.failed++;
          res.writeHead(503).end();
          return;
        }
        endpoint.responses.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as CfnResponse);
        res.writeHead(200).end();
      });
    });
    endpoint.server = server;
    endpoint.port = await new Promise((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
    return endpoint;
  }

  /** The pre-signed URL CloudFormation would put in the request. */
  public get url(): string {
    return `https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/arn%3Aaws%3Acloudformation/response?X-Amz-Signature=abc`;
  }

  public async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** What one run of a CloudFormation request through the framework did. */
export interface HarnessRun {
  /** The response CloudFormation received (the last one sent). */
  readonly response: CfnResponse;
  /** How many times the framework called `isComplete`. */
  readonly isCompleteCalls: number;
  /** Whether Step Functions gave up (`onTimeout`). */
  readonly timedOut: boolean;
}

export interface HarnessOptions {
  /** Called before every `isComplete` call (tests move their clock on). */
  readonly beforeIsComplete?: (call: number) => void;
  /** The waiter's attempts (Provider: totalTimeout / queryInterval). @default 20 */
  readonly maxIsCompleteCalls?: number;
}

/** A user handler as Lambda runs it: event in, result (or a thrown error) out. */
export type UserHandler = (event: Record<string, unknown>) => Promise<unknown>;

/**
 * Runs one CloudFormation request through the provider framework and the user handler, and
 * returns what CloudFormation received.
 */
export async function runThroughProvider(
  handler: UserHandler,
  endpoint: ResponseEndpoint,
  event: Record<string, unknown>,
  options: HarnessOptions = {},
): Promise<HarnessRun> {
  let waiterInput: string | undefined;
  process.env.USER_ON_EVENT_FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:user-handler';
  process.env.USER_IS_COMPLETE_FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:user-handler';
  process.env.WAITER_STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:waiter';
  outbound.invokeFunction = async ({ Payload }) => {
    try {
      const result = await handler(JSON.parse(Payload) as Record<string, unknown>);
      return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(result ?? null)) };
    } catch (error) {
      const failure = error as Error;
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: Buffer.from(
          JSON.stringify({
            errorType: failure.name,
            errorMessage: failure.message,
            trace: String(failure.stack ?? failure.message).split('\n'),
          }),
        ),
      };
    }
  };
  outbound.startExecution = async ({ input }) => {
    waiterInput = input;
    return { executionArn: `arn:aws:states:eu-west-1:123456789012:execution:waiter:${randomUUID()}` };
  };
  outbound.httpRequest = (options, body) => put(endpoint.port, options.path, body);

  const before = endpoint.responses.length;
  await framework.onEvent({ ...event, ResponseURL: endpoint.url });
  let calls = 0;
  let timedOut = false;
  if (waiterInput !== undefined && endpoint.responses.length === before) {
    const input = JSON.parse(waiterInput) as Record<string, unknown>;
    const max = options.maxIsCompleteCalls ?? 20;
    for (;;) {
      if (calls >= max) {
        timedOut = true;
        await framework.onTimeout({
          Cause: JSON.stringify({ errorMessage: JSON.stringify(input) }),
        });
        break;
      }
      calls++;
      options.beforeIsComplete?.(calls);
      try {
        await framework.isComplete(input);
        break;
      } catch (error) {
        if (!(error instanceof cfnResponse.Retry)) {
          throw error;
        }
      }
    }
  }
  const response = endpoint.responses[endpoint.responses.length - 1];
  if (response === undefined || endpoint.responses.length === before) {
    throw new Error('the framework sent CloudFormation no response');
  }
  return { response, isCompleteCalls: calls, timedOut };
}

/** The framework's PUT, to the loopback endpoint (its URL's host and port are CloudFormation's). */
function put(port: number, path: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'PUT',
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        if (!res.statusCode || res.statusCode >= 400) {
          reject(new Error(`Unsuccessful HTTP response: ${res.statusCode}`));
        } else {
          resolve();
        }
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
