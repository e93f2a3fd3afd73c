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
type Problem = { readonly attribute: string; readonly message: string };

/**
 * `constraint { version = ">= 1.2" }` and the other compact forms, as jobspec2/hcl_conversions.go
 * `decodeConstraint` / `decodeAffinity` read them: the operator named by the attribute, its value (converted to a
 * string, as the attribute spec's cty.String type does) as the right target, `=` when no operator is given; later
 * forms win, and an empty value is no form at all. `distinct_hosts` is a bool: Nomad keeps `false` as the right target
 * ("false"), which the scheduler honours (nomad#16907); `distinct_property` names the left target.
 */
function compactForms(body: HclBody, operators: readonly string[], ignored: readonly string[]) {
  const out: Record<string, unknown> = { ...body };
  const problems: Problem[] = [];
  for (const operator of operators) {
    const value = out[operator];
    delete out[operator];
    if (value === undefined || value === '' || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      problems.push({ attribute: operator, message: `${operator} takes a string: received ${JSON.stringify(value)}` });
      continue;
    }
    if (operator === 'distinct_hosts') {
      if (value !== true && value !== false && value !== 'true' && value !== 'false') {
        // hcldec: the distinct_hosts spec is cty.Bool, which a string converts to only from "true" or "false".
        problems.push({
          attribute: operator,
          message: `distinct_hosts is true or false: received ${JSON.stringify(value)}`,
        });
        continue;
      }
      out.operator = 'distinct_hosts';
      out.value = String(value);
    } else if (operator === 'distinct_property') {
      out.operator = 'distinct_property';
      out.attribute = String(value);
    } else {
      out.operator = operator;
      out.value = String(value);
    }
  }
  // Attributes Nomad's parser accepts here and then ignores (the spec declares them, the decoder never reads them):
  // the job would silently lose them, so say how to write them instead.
  for (const name of ignored) {
    const value = out[name];
    if (value === undefined) continue;
    delete out[name];
    problems.push({
      attribute: name,
      message: `Nomad's parser ignores ${name} written this way, so the setting would be lost: write operator = "${name}"${name.startsWith('is_') ? '' : ` and value = ${JSON.stringify(String(value))}`} instead`,
    });
  }
  if (out.operator === undefined || out.operator === '') out.operator = '=';
  return { body: out, problems };
}

export const constraintHooks: StructHooks = {
  fromHcl: (body) =>
    compactForms(
      body,
      ['version', 'semver', 'regexp', 'set_contains', 'distinct_hosts', 'distinct_property'],
      ['set_contains_all', 'set_contains_any', 'is_set', 'is_not_set'],
    ),
};

export const affinityHooks: StructHooks = {
  fromHcl: (body) =>
    compactForms(body, ['version', 'semver', 'regexp', 'set_contains_any', 'set_contains_all', 'set_contains'], []),
};
