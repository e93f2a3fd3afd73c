import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

/** A stack in an app with the recommended feature flags (launch templates, restricted default SG, ...). */
export function newStack(props: StackProps = {}): Stack {
  const app = new App({ context: CURRENTLY_RECOMMENDED_FLAGS });
  return new Stack(app, 'Test', props);
}

type Json = unknown;

/**
 * A CloudFormation value as text, with references written `${LogicalId}` / `${LogicalId.Attr}`:
 * what the instance sees, but for the values CloudFormation fills in at deploy time.
 */
export function cfnText(value: Json): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, Json>;
    if ('Ref' in object) {
      return `\${${String(object.Ref)}}`;
    }
    if ('Fn::GetAtt' in object) {
      return `\${${(object['Fn::GetAtt'] as string[]).join('.')}}`;
    }
    if ('Fn::Join' in object) {
      const [separator, parts] = object['Fn::Join'] as [string, Json[]];
      return parts.map(cfnText).join(separator);
    }
    if ('Fn::Sub' in object && typeof object['Fn::Sub'] === 'string') {
      return object['Fn::Sub'];
    }
    if ('Fn::Base64' in object) {
      return cfnText(object['Fn::Base64']);
    }
  }
  throw new Error(`cfnText: unsupported value ${JSON.stringify(value)}`);
}

/** The user data of a launch template in the template, as the instance gets it (modulo deploy-time values). */
export function userDataOf(template: Template, launchTemplateIdPrefix: string): string {
  const templates = template.findResources('AWS::EC2::LaunchTemplate');
  const id = Object.keys(templates).find((logicalId) => logicalId.startsWith(launchTemplateIdPrefix));
  if (id === undefined) {
    throw new Error(`no launch template ${launchTemplateIdPrefix}* in ${Object.keys(templates).join(', ')}`);
  }
  return cfnText(templates[id]?.Properties.LaunchTemplateData.UserData);
}

/**
 * The user data with every CloudFormation reference replaced by a plausible literal, so shellcheck
 * sees the script an instance runs.
 */
export function userDataAsDeployed(userData: string): string {
  return userData
    .replaceAll('${AWS::Region}', 'eu-west-1')
    .replaceAll('${AWS::AccountId}', '123456789012')
    .replaceAll('${AWS::URLSuffix}', 'amazonaws.com')
    .replaceAll('${AWS::StackName}', 'Test')
    .replace(/\$\{([A-Za-z0-9]+)(\.[A-Za-z]+)?\}/g, (_, logicalId: string) => `resolved-${logicalId.toLowerCase()}`);
}

/** The content of one `cat >path <<'NOMAD_BOOTSTRAP_EOF'` block of the user data. */
export function userDataFile(userData: string, path: string): string {
  const start = `cat >${path} <<'NOMAD_BOOTSTRAP_EOF'\n`;
  const begin = userData.indexOf(start);
  if (begin < 0) {
    throw new Error(`the user data writes no ${path}`);
  }
  const contentStart = begin + start.length;
  return userData.slice(contentStart, userData.indexOf('\nNOMAD_BOOTSTRAP_EOF\n', contentStart) + 1);
}

/** Runs shellcheck on a script text; returns its findings ('' when clean). */
export function shellcheck(script: string, name = 'script.sh'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'shellcheck-')), name);
  writeFileSync(file, script);
  try {
    execFileSync('shellcheck', ['--format=gcc', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; status?: number };
    if (failure.status === undefined || failure.status === null) {
      throw error;
    }
    return `${failure.stdout ?? ''}${failure.stderr ?? ''}`;
  }
}

/** A JSON value with every CloudFormation intrinsic replaced by its {@link cfnText}. */
export function cfnValues(value: Json): Json {
  if (Array.isArray(value)) {
    return value.map(cfnValues);
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) {
      return cfnText(value);
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cfnValues(item)]));
  }
  return value;
}

/** Every ingress rule of the template (standalone and inline) as "<target> <proto> <from>-<to> from <source>". */
export function ingressRules(template: Template): string[] {
  const rules: string[] = [];
  const name = (value: Json): string => {
    const text = cfnText(value);
    return text.replace(/^\$\{/, '').replace(/(\.GroupId)?\}$/, '');
  };
  const describe = (target: string, rule: Record<string, Json>): string => {
    const source =
      rule.CidrIp !== undefined
        ? cfnText(rule.CidrIp)
        : rule.CidrIpv6 !== undefined
          ? cfnText(rule.CidrIpv6)
          : name(rule.SourceSecurityGroupId);
    return `${target} ${String(rule.IpProtocol)} ${String(rule.FromPort)}-${String(rule.ToPort)} from ${source}`;
  };
  for (const [id, group] of Object.entries(template.findResources('AWS::EC2::SecurityGroup'))) {
    for (const rule of (group.Properties.SecurityGroupIngress ?? []) as Record<string, Json>[]) {
      rules.push(describe(id, rule));
    }
  }
  for (const rule of Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))) {
    rules.push(describe(name(rule.Properties.GroupId), rule.Properties));
  }
  return rules.sort();
}

/** The actions of every statement of a role's policies, as "Effect action1,action2 on resource1,resource2". */
export function policyStatements(template: Template, roleLogicalIdPrefix: string): string[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as Json[]).some((role) => cfnText(role).startsWith(`\${${roleLogicalIdPrefix}`)),
  );
  return policies
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, Json>[])
    .map((statement) => {
      const list = (value: Json): string[] => (Array.isArray(value) ? value : [value]).map(cfnText);
      const condition =
        statement.Condition === undefined ? '' : ` if ${JSON.stringify(cfnValues(statement.Condition))}`;
      return `${String(statement.Effect)} ${list(statement.Action).join(',')} on ${list(statement.Resource).join(',')}${condition}`;
    })
    .sort();
}
