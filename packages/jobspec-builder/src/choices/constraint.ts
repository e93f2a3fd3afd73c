import type { AffinityProps, ConstraintProps } from '../model';

/**
 * Placement constraints (`constraint {}`), as factories for each operator.
 * Attributes are Nomad's interpolations: `${attr.kernel.name}`, `${node.class}`, `${meta.rack}`.
 *
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/constraint
 */
export class Constraint {
  /** `attribute == value`. */
  static equals(attribute: string, value: string): ConstraintProps {
    return { attribute, operator: '=', value };
  }

  static notEquals(attribute: string, value: string): ConstraintProps {
    return { attribute, operator: '!=', value };
  }

  /** Lexical or numeric comparison, e.g. `Constraint.compare('${attr.cpu.numcores}', '>=', '4')`. */
  static compare(attribute: string, operator: '>' | '>=' | '<' | '<=', value: string): ConstraintProps {
    return { attribute, operator, value };
  }

  /** Never place two allocations of the group (or job) on the same node. */
  static distinctHosts(): ConstraintProps {
    return { operator: 'distinct_hosts', value: 'true' };
  }

  /** At most `limit` allocations per value of `attribute` (default 1). */
  static distinctProperty(attribute: string, limit?: number): ConstraintProps {
    return { attribute, operator: 'distinct_property', ...(limit !== undefined ? { value: String(limit) } : {}) };
  }

  /** `attribute` matches the RE2 regular expression `pattern`. */
  static regexp(attribute: string, pattern: string): ConstraintProps {
    return { attribute, operator: 'regexp', value: pattern };
  }

  /** Version constraint such as `>= 1.2, < 2.0`, with pre-release handling like Go's version library. */
  static version(attribute: string, constraint: string): ConstraintProps {
    return { attribute, operator: 'version', value: constraint };
  }

  /** Strict semantic-version constraint. */
  static semver(attribute: string, constraint: string): ConstraintProps {
    return { attribute, operator: 'semver', value: constraint };
  }

  /** A comma-separated attribute contains every one of `values`. */
  static setContainsAll(attribute: string, values: readonly string[]): ConstraintProps {
    return { attribute, operator: 'set_contains_all', value: values.join(',') };
  }

  /** A comma-separated attribute contains at least one of `values`. */
  static setContainsAny(attribute: string, values: readonly string[]): ConstraintProps {
    return { attribute, operator: 'set_contains_any', value: values.join(',') };
  }

  static isSet(attribute: string): ConstraintProps {
    return { attribute, operator: 'is_set' };
  }

  static isNotSet(attribute: string): ConstraintProps {
    return { attribute, operator: 'is_not_set' };
  }

  private constructor() {}
}

/**
 * Placement preferences (`affinity {}`): like constraints, with a weight from -100 to 100.
 *
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/affinity
 */
export class Affinity {
  static equals(attribute: string, value: string, weight = 50): AffinityProps {
    return { attribute, operator: '=', value, weight };
  }

  static regexp(attribute: string, pattern: string, weight = 50): AffinityProps {
    return { attribute, operator: 'regexp', value: pattern, weight };
  }

  static setContainsAny(attribute: string, values: readonly string[], weight = 50): AffinityProps {
    return { attribute, operator: 'set_contains_any', value: values.join(','), weight };
  }

  private constructor() {}
}
