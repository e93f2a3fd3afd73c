import type { StructHooks } from './dsl';

type ApiObject = Record<string, unknown>;

/**
 * HCL has one `port` block; the API keeps ports with a `static` value in
 * `ReservedPorts` and the others in `DynamicPorts` (jobspec2 parser,
 * `parseNetwork`). The model has one `ports` list, as HCL does.
 */
export const networkHooks: StructHooks = {
  apiKeys: ['ReservedPorts'],
  toApi: (api) => {
    const ports = api.DynamicPorts as ApiObject[] | undefined;
    if (!ports) return;
    const reserved = ports.filter((port) => typeof port.Value === 'number' && port.Value > 0);
    const dynamic = ports.filter((port) => !reserved.includes(port));
    delete api.DynamicPorts;
    if (reserved.length > 0) api.ReservedPorts = reserved;
    // An explicitly empty list stays, so that reading it back gives the same job.
    if (dynamic.length > 0 || reserved.length === 0) api.DynamicPorts = dynamic;
  },
  fromApi: (api) => {
    if (api.ReservedPorts === undefined && api.DynamicPorts === undefined) return;
    const ports = [...((api.ReservedPorts as ApiObject[]) ?? []), ...((api.DynamicPorts as ApiObject[]) ?? [])];
    delete api.ReservedPorts;
    api.DynamicPorts = ports;
  },
};

/** `cron`/`crons` are the only periodic spec type the jobspec offers; the API spells it out. */
export const periodicHooks: StructHooks = {
  apiKeys: ['SpecType'],
  toApi: (api) => {
    if (api.Spec !== undefined || api.Specs !== undefined) api.SpecType = 'cron';
  },
  fromApi: (api) => {
    delete api.SpecType;
  },
};

/**
 * A task's unnamed (or `default`) identity is `Task.Identity`; named ones are
 * `Task.Identities` (jobspec2 parser, `parseTask`). The model lists them all in `identities`.
 */
export const taskHooks: StructHooks = {
  apiKeys: ['Identity'],
  toApi: (api) => {
    const identities = (api.Identities as ApiObject[] | undefined) ?? [];
    const isDefault = (identity: ApiObject) => identity.Name === undefined || identity.Name === 'default';
    const defaultIdentity = identities.find(isDefault);
    if (defaultIdentity) {
      api.Identity = defaultIdentity;
      const named = identities.filter((identity) => identity !== defaultIdentity);
      if (named.length > 0) api.Identities = named;
      else delete api.Identities;
    }
  },
  fromApi: (api) => {
    if (api.Identity) {
      api.Identities = [api.Identity, ...((api.Identities as ApiObject[]) ?? [])];
      delete api.Identity;
    }
  },
};

type HclBody = Readonly<Record<string, unknown>>;

/**
 * `constraint { version = ">= 1.2" }` and the other shorthands: the operator
 * named by the attribute, its value as the right target, `=` when no operator
 * is given (jobspec2 `decodeConstraint`; later shorthands win, as there).
 */
function shorthands(body: HclBody, operators: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const operator of operators) {
    const value = out[operator];
    delete out[operator];
    if (value === undefined || value === '' || value === null) continue;
    if (operator === 'distinct_hosts') {
      // Nomad's parser fixtures keep the flag as the right target ("true"); the server ignores it.
      if (value === true || value === 'true') {
        out.operator = 'distinct_hosts';
        out.value = 'true';
      }
    } else if (operator === 'distinct_property') {
      out.operator = 'distinct_property';
      out.attribute = value;
    } else {
      out.operator = operator;
      out.value = value;
    }
  }
  if (out.operator === undefined || out.operator === '') out.operator = '=';
  return out;
}

export const constraintHooks: StructHooks = {
  fromHcl: (body) =>
    shorthands(body, ['version', 'semver', 'regexp', 'set_contains', 'distinct_hosts', 'distinct_property']),
};

export const affinityHooks: StructHooks = {
  fromHcl: (body) =>
    shorthands(body, ['version', 'semver', 'regexp', 'set_contains_any', 'set_contains_all', 'set_contains']),
};
