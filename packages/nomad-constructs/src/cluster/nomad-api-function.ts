import type { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AclPolicy } from '../security/acl-policies';
import { HandlerFunction, type HandlerName } from '../security/handler-function';
import type { NomadAcl } from '../security/nomad-acl';
import { grantSecretRead } from '../security/nomad-cluster-secrets';
import type { ClusterApiAccess } from './cluster-api-contract';
import type { ClusterFunctionProps } from './cluster-function-props';
import { SERVER_JOIN_TAG } from './node-group';
import { NomadPorts } from './nomad-ports';

/** What a function of the cluster that calls the Nomad API with its own ACL token needs. */
export interface NomadApiFunctionProps extends ClusterFunctionProps {
  /** Keeps the function's token (its policy only) and stores it in its secret. */
  readonly acl: NomadAcl;
}

/** The function's own setup. */
export interface NomadApiFunctionOptions {
  readonly handler: HandlerName;
  readonly description: string;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** The function's token: the id and description of its secret, and its one policy. */
  readonly token: { readonly secretId: string; readonly description: string; readonly policy: AclPolicy };
  /** The description of the servers' ingress rule that lets the function in. */
  readonly apiRuleDescription: string;
  /** @default - none */
  readonly environment?: (access: ClusterApiAccess) => Record<string, string>;
}

/** A function of the cluster that calls the Nomad API, and how it reaches it. */
export interface NomadApiFunction {
  readonly handler: HandlerFunction;
  /** The secret of the function's ACL token, filled in by the ACL resource. */
  readonly tokenSecret: secretsmanager.ISecret;
  /** The servers' tag, port, region, CA and token: what the function is configured with. */
  readonly access: ClusterApiAccess;
}

/**
 * The setup the node drain and the snapshots share: a token with one policy (kept by the ACL
 * resource, stored in a secret of the cluster), a function in the servers' subnets that the servers
 * let in on the HTTP API port, allowed to read the cluster CA and its token. Each caller adds its
 * own permissions (finding the servers by tag is one: the node drain's statement holds more).
 */
export function nomadApiFunction(
  scope: Construct,
  props: NomadApiFunctionProps,
  options: NomadApiFunctionOptions,
): NomadApiFunction {
  const { secrets } = props;
  const tokenSecret = secrets.tokenSecret(options.token.secretId, options.token.description);
  props.acl.addToken({ name: options.token.policy.name, policies: [options.token.policy] }, tokenSecret);
  const access: ClusterApiAccess = {
    serverTagKey: SERVER_JOIN_TAG,
    serverTagValue: props.clusterName,
    httpPort: NomadPorts.HTTP,
    nomadRegion: props.nomadRegion,
    caSecretArn: secrets.caCertificate.secretArn,
    tokenSecretArn: tokenSecret.secretArn,
  };
  const handler = new HandlerFunction(scope, 'Function', {
    handler: options.handler,
    description: options.description,
    vpc: props.vpc,
    subnets: props.subnets,
    timeout: options.timeout,
    memorySize: options.memorySize,
    logRetention: props.logRetention,
    encryptionKey: secrets.encryptionKey,
    environment: options.environment?.(access),
  });
  handler.securityGroup.connections.allowTo(props.servers, ec2.Port.tcp(NomadPorts.HTTP), options.apiRuleDescription);
  grantSecretRead(secrets.caCertificate, secrets.encryptionKey, handler.role);
  grantSecretRead(tokenSecret, secrets.encryptionKey, handler.role);
  return { handler, tokenSecret, access };
}
