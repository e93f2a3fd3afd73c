import { CfnOutput, type CfnOutputProps, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The name of an output in the template: the construct's path inside its stack, then `name`,
 * letters and digits only (`ClusterUiUrl` for `new NomadCluster(stack, 'Cluster')`). Unlike the
 * logical IDs CDK gives outputs (`ClusterUiUrl18B528FA`), it can be documented and looked up, and
 * two clusters in one stack still get distinct names.
 */
export function stableOutputName(scope: Construct, name: string): string {
  const stackDepth = Stack.of(scope).node.scopes.length;
  const path = scope.node.scopes.slice(stackDepth).map((construct) => construct.node.id);
  return [...path, name].join('').replace(/[^A-Za-z0-9]/g, '');
}

/** A `CfnOutput` named {@link stableOutputName} (its construct id stays `name`). */
export function addStableOutput(scope: Construct, name: string, props: CfnOutputProps): CfnOutput {
  const output = new CfnOutput(scope, name, props);
  output.overrideLogicalId(stableOutputName(scope, name));
  return output;
}
