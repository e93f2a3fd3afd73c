import { field, struct, t } from '../dsl';
import { constraintHooks } from '../hooks';

// The job structs of Nomad's api/constraint.go, in its order.

/** Constraint operators Nomad accepts (nomad/structs/structs.go, `Constraint.Validate`). */
export const CONSTRAINT_OPERATORS = [
  '=',
  '==',
  'is',
  '!=',
  'not',
  '>',
  '>=',
  '<',
  '<=',
  'distinct_hosts',
  'distinct_property',
  'regexp',
  'set_contains',
  'set_contains_all',
  'set_contains_any',
  'version',
  'semver',
  'is_set',
  'is_not_set',
] as const;

export const Constraint = struct(
  'Constraint',
  {
    attribute: field('LTarget', t.string(), {
      hcl: 'attribute',
      doc: 'The node attribute to compare, e.g. "${attr.kernel.name}".',
    }),
    operator: field('Operand', t.enum(...CONSTRAINT_OPERATORS), {
      hcl: 'operator',
      doc: 'The comparison: "=", "!=", ">", "regexp", "version", "distinct_hosts", ...',
      default: '"="',
    }),
    value: field('RTarget', t.string(), { hcl: 'value', doc: 'The value to compare with.' }),
  },
  constraintHooks,
);
