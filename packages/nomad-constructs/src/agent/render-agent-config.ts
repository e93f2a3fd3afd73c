import { attribute, block, type HclBlock, type HclBody, type HclValue, renderHcl } from '@org/jobspec-builder/hcl';
import type { z } from 'zod';
import { NomadError } from '../errors';
import type { NomadAgentConfig, PluginConfigObject } from './agent-config';
import { AGENT_CONFIG, type FieldSpec, type StructSpec, schemaOf } from './agent-config-spec';

const agentConfigSchema = schemaOf(AGENT_CONFIG);

/**
 * Validates an agent configuration and renders it as an HCL file for `/etc/nomad.d/`.
 *
 * The output is deterministic: blocks and attributes in a fixed order, map keys sorted, formatted
 * as `nomad fmt` leaves it.
 *
 * @throws NomadError `invalid-agent-config` listing every problem with its HCL path
 *   (`server.bootstrap_expect`), what was expected and what was received.
 */
export function renderAgentConfig(config: NomadAgentConfig): string {
  return renderHcl(agentConfigBody(config));
}

/** The HCL body of an agent configuration, after validation. */
export function agentConfigBody(config: NomadAgentConfig): HclBody {
  const result = agentConfigSchema.safeParse(config, { reportInput: true });
  if (!result.success) {
    const [first, ...rest] = result.error.issues as [z.core.$ZodIssue, ...z.core.$ZodIssue[]];
    const others = rest.map((issue) => `${hclPath(issue.path)}: ${describeIssue(issue)}`);
    throw new NomadError(
      'invalid-agent-config',
      hclPath(first.path),
      `${describeIssue(first)}.${others.length > 0 ? ` Also ${others.join('; ')}.` : ''}`,
    );
  }
  return structBody(AGENT_CONFIG, config as unknown as Record<string, unknown>);
}

function structBody(struct: StructSpec, value: Record<string, unknown>, skip?: string): HclBody {
  const attributes: HclBody[number][] = [];
  const blocks: HclBlock[] = [];
  for (const [key, field] of Object.entries(struct.fields)) {
    const fieldValue = value[key];
    if (fieldValue === undefined || key === skip) {
      continue;
    }
    if (field.kind === 'attribute') {
      attributes.push(attribute(field.hcl, attributeValue(fieldValue)));
    } else {
      blocks.push(...fieldBlocks(field, fieldValue));
    }
  }
  return [...attributes, ...blocks];
}

function fieldBlocks(field: Exclude<FieldSpec, { kind: 'attribute' }>, value: unknown): HclBlock[] {
  switch (field.kind) {
    case 'block':
      return [block(field.hcl, [], structBody(field.struct, value as Record<string, unknown>))];
    case 'labeledBlocks':
      return (value as Record<string, unknown>[]).map((item) =>
        block(field.hcl, [String(item[field.labelField])], structBody(field.struct, item, field.labelField)),
      );
    case 'freeform':
      return [block(field.hcl, [], freeformBody(value as PluginConfigObject))];
  }
}

/** Maps are written with sorted keys, so the output does not depend on the order props were given in. */
function attributeValue(value: unknown): HclValue {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, (value as Record<string, HclValue>)[key] as HclValue]),
    );
  }
  return value as HclValue;
}

/** Free-form plugin config, written as Nomad's docs write it: objects as nested blocks. */
function freeformBody(config: PluginConfigObject): HclBody {
  const attributes: HclBody[number][] = [];
  const blocks: HclBlock[] = [];
  for (const key of Object.keys(config).sort()) {
    const value = config[key];
    if (isObject(value)) {
      blocks.push(block(key, [], freeformBody(value)));
    } else if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
      blocks.push(...(value as PluginConfigObject[]).map((item) => block(key, [], freeformBody(item))));
    } else {
      attributes.push(attribute(key, value as HclValue));
    }
  }
  return [...attributes, ...blocks];
}

function isObject(value: unknown): value is PluginConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A zod path in model keys (`['server', 'bootstrapExpect']`) as the HCL path (`server.bootstrap_expect`). */
function hclPath(path: readonly PropertyKey[]): string {
  let struct: StructSpec | undefined = AGENT_CONFIG;
  const parts: string[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') {
      parts.push(`[${segment}]`);
      continue;
    }
    const key = String(segment);
    const field: FieldSpec | undefined = struct?.fields[key];
    parts.push(parts.length === 0 ? (field?.hcl ?? key) : `.${field?.hcl ?? key}`);
    struct = field !== undefined && 'struct' in field ? field.struct : undefined;
  }
  return parts.length === 0 ? '(root)' : parts.join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: Nomad's agent does not read ${issue.keys.length > 1 ? 'them' : 'it'} (check the spelling against the Nomad docs)`;
  }
  const received = 'input' in issue && issue.input !== undefined ? `, received ${JSON.stringify(issue.input)}` : '';
  return `${issue.message}${received}`;
}
