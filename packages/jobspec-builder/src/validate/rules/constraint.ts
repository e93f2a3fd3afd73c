import type { AffinityProps, ConstraintProps, SpreadProps } from './props';
import { type Add, num, q, str } from './support';

const COMPARISONS = ['=', '==', 'is', '!=', 'not', '<', '<=', '>', '>='];
const SET_CONTAINS = ['set_contains', 'set_contains_all', 'set_contains_any'];

export function constraintIssues(
  constraints: readonly ConstraintProps[] | undefined,
  path: string,
  level: 'job' | 'group' | 'task',
  add: Add,
): void {
  constraints?.forEach((constraint, i) => {
    const at = `${path}[${i}]`;
    // The HCL parser's default operator is "=".
    const operator = constraint.operator === undefined ? '=' : str(constraint.operator);
    if (operator === undefined) return;
    const value = constraint.value === undefined ? '' : str(constraint.value);
    // structs.go (*Constraint).Validate, per operator.
    if (SET_CONTAINS.includes(operator) && value === '') {
      // "Set contains constraint requires an RTarget".
      add('required', `${at}.value`, `operator ${q(operator)} needs a value: a comma-separated list such as "a,b"`);
    } else if (COMPARISONS.includes(operator) && value === '') {
      // "Operator %q requires an RTarget".
      add('required', `${at}.value`, `operator ${q(operator)} compares the attribute with a value: set value`);
    } else if ((operator === 'is_set' || operator === 'is_not_set') && value !== '' && value !== undefined) {
      // "Operator %q does not support an RTarget".
      add('invalid-value', `${at}.value`, `operator ${q(operator)} takes no value: received ${q(value)}; remove value`);
    } else if (operator === 'distinct_property' && value !== '' && value !== undefined) {
      // "Failed to convert RTarget %q to uint64" / "Distinct Property must have an allowed count of 1 or greater".
      if (!/^\d+$/.test(value) || BigInt(value) > 18446744073709551615n) {
        add(
          'invalid-value',
          `${at}.value`,
          `distinct_property's value is the allowed count per attribute value: received ${q(value)}, allowed a whole number from 1`,
        );
      } else if (BigInt(value) < 1n) {
        add('out-of-range', `${at}.value`, `distinct_property's count must be 1 or more: received ${value}`);
      }
    } else if (value !== undefined) {
      operandIssues(operator, value, `${at}.value`, add);
    }
    // structs.go (*Constraint).Validate: "no attribute provided but is required by operator" (all but distinct_hosts);
    // constraint.go validateConstraintAttribute: "attribute %q is missing a closing brace" / "unsupported attribute %q".
    if (operator !== 'distinct_hosts') {
      const attribute = constraint.attribute === undefined ? '' : str(constraint.attribute);
      if (attribute === '') {
        add('required', `${at}.attribute`, `operator ${q(operator)} needs an attribute, e.g. "\${attr.kernel.name}"`);
      } else if (attribute !== undefined) {
        const problem = constraintAttributeProblem(attribute);
        if (problem) add('invalid-value', `${at}.attribute`, problem);
      }
    }
    // structs.go (*Task).Validate: "Constraint %d has disallowed Operand at task level: %s".
    if (level === 'task' && (operator === 'distinct_hosts' || operator === 'distinct_property')) {
      add(
        'invalid-value',
        `${at}.operator`,
        `${q(operator)} places allocations, so it is not allowed on a task: move the constraint to the group or job`,
      );
    }
  });
}

/** regexp / version / semver operands, shared by constraints and affinities. */
function operandIssues(operator: string, value: string, at: string, add: Add): void {
  if (operator === 'regexp') {
    // "Regular expression failed to compile: %v" (Go's RE2 regexp package).
    const problem = re2Problem(value);
    if (problem) add('invalid-value', at, `not an RE2 regular expression: received ${q(value)}: ${problem}`);
  } else if (operator === 'version') {
    // "Version constraint is invalid: %v" (github.com/hashicorp/go-version NewConstraint).
    const problem = versionConstraintProblem(value, VERSION_OPERATORS, VERSION_PATTERN);
    if (problem)
      add('invalid-value', at, `${problem}; expected a version constraint such as ">= 1.2, < 2.0" or "~> 1.4"`);
  } else if (operator === 'semver') {
    // "Semver constraint is invalid: %v" (helper/constraints/semver NewConstraint).
    const problem = versionConstraintProblem(value, SEMVER_OPERATORS, SEMVER_PATTERN);
    if (problem) add('invalid-value', at, `${problem}; expected a semver constraint such as ">= 1.2.0, < 2.0.0"`);
  }
}

export function affinityIssues(affinities: readonly AffinityProps[] | undefined, path: string, add: Add): void {
  // structs.go (*Affinity).Validate.
  affinities?.forEach((affinity, i) => {
    const at = `${path}[${i}]`;
    const operator = affinity.operator === undefined ? '=' : str(affinity.operator);
    const value = affinity.value === undefined ? '' : str(affinity.value);
    if (operator !== undefined && value !== undefined) {
      if (SET_CONTAINS.includes(operator) && value === '') {
        // "Set contains operators require an RTarget".
        add('required', `${at}.value`, `operator ${q(operator)} needs a value: a comma-separated list such as "a,b"`);
      } else if (COMPARISONS.includes(operator) && value === '') {
        // "Operator %q requires an RTarget".
        add('required', `${at}.value`, `operator ${q(operator)} compares the attribute with a value: set value`);
      } else {
        operandIssues(operator, value, `${at}.value`, add);
      }
    }
    // "No LTarget provided but is required".
    if (affinity.attribute === undefined || affinity.attribute === '') {
      add('required', `${at}.attribute`, 'an affinity needs an attribute, e.g. "${node.datacenter}"');
    }
    // "Affinity weight cannot be zero" (unset is 50, api/tasks.go (*Affinity).Canonicalize).
    if (affinity.weight === 0) {
      add(
        'out-of-range',
        `${at}.weight`,
        'an affinity weight of 0 has no effect: received 0, allowed -100 to -1 or 1 to 100',
      );
    }
  });
}

export function spreadIssues(spreads: readonly SpreadProps[] | undefined, path: string, add: Add): void {
  // structs.go (*Spread).Validate.
  spreads?.forEach((spread, i) => {
    const at = `${path}[${i}]`;
    // "Missing spread attribute".
    if (spread.attribute === undefined || spread.attribute === '') {
      add('required', `${at}.attribute`, 'a spread needs an attribute, e.g. "${node.datacenter}"');
    }
    // "Spread block must have a positive weight from 0 to 100" (unset is 50, api/tasks.go (*Spread).Canonicalize).
    if (spread.weight === 0)
      add('out-of-range', `${at}.weight`, 'a spread weight must be positive: received 0, allowed 1 to 100');
    // "Spread target value %q already defined" / "Sum of spread target percentages must not be greater than 100%%;
    // got %d%%".
    const values = new Set<string>();
    let sum = 0;
    for (const target of spread.targets ?? []) {
      const value = str(target.value);
      if (value !== undefined) {
        if (values.has(value)) {
          add(
            'duplicate-name',
            `${at}.targets[${value}]`,
            `the spread target ${q(value)} is defined more than once: list each value once`,
          );
        }
        values.add(value);
      }
      sum += num(target.percent) ?? 0;
    }
    if (sum > 100) {
      add(
        'out-of-range',
        `${at}.targets`,
        `spread target percentages add up to more than 100: received ${sum}%, allowed at most 100%`,
      );
    }
  });
}

/** constraint.go validateConstraintAttribute. */
function constraintAttributeProblem(attribute: string): string | undefined {
  if (!attribute.startsWith('${')) return undefined;
  if (!attribute.endsWith('}')) {
    return `the attribute is missing a closing brace: received ${q(attribute)}; write it as "\${attr.kernel.name}"`;
  }
  const interior = attribute.slice(2, -1);
  const exact = ['node.unique.id', 'node.datacenter', 'node.unique.name', 'node.class', 'node.pool'];
  if (exact.includes(interior) || interior.startsWith('attr.') || interior.startsWith('meta.')) return undefined;
  return `the attribute is not one Nomad can resolve: received ${q(attribute)}, allowed \${attr.*}, \${meta.*}, ${exact.map((e) => `\${${e}}`).join(', ')}`;
}

/**
 * Whether Go's RE2 compiles `pattern`, approximated with JavaScript's parser: RE2's own syntax (`(?P<name>`, inline
 * flags, `\A`, `\z`) is translated first, and what RE2 lacks (lookaround, backreferences, repeats over 1000) is
 * rejected as Go would.
 */
function re2Problem(pattern: string): string | undefined {
  const lookaround = /\(\?<?[=!]/.exec(pattern);
  if (lookaround)
    return `error parsing regexp: invalid or unsupported Perl syntax: \`${lookaround[0]}\` (RE2 has no lookaround)`;
  const backreference = /(?<!\\)(?:\\\\)*\\([1-9])/.exec(pattern);
  if (backreference)
    return `error parsing regexp: invalid escape sequence: \`\\${backreference[1]}\` (RE2 has no backreferences)`;
  for (const match of pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(match[1]) > 1000 || (match[2] && Number(match[2]) > 1000)) {
      return `error parsing regexp: invalid repeat count: \`${match[0]}\` (at most 1000)`;
    }
  }
  const translated = pattern
    .replace(/\(\?P</g, '(?<')
    .replace(/\(\?[imsU-]+\)/g, '')
    .replace(/\(\?[imsU-]+:/g, '(?:')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  try {
    new RegExp(translated);
    return undefined;
  } catch (error) {
    return `error parsing regexp: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
}

// github.com/hashicorp/go-version: VersionRegexpRaw / SemverRegexpRaw and the constraint operators of
// constraint.go (go-version) and helper/constraints/semver/constraints.go (Nomad, no "~>").
const VERSION_PATTERN = String.raw`v?([0-9]+(\.[0-9]+)*?)(-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)|(-?([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)))?(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))??`;
const SEMVER_PATTERN = String.raw`v?([0-9]+(\.[0-9]+)*?)(-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)|(-([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)))?(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))??`;
const VERSION_OPERATORS = ['~>', '>=', '<=', '!=', '=', '>', '<', ''];
const SEMVER_OPERATORS = ['>=', '<=', '!=', '=', '>', '<', ''];

function versionConstraintProblem(value: string, operators: readonly string[], version: string): string | undefined {
  // Go's \s is [\t\n\f\r ].
  const space = '[\\t\\n\\f\\r ]*';
  const ops = operators.map((op) => op.replace(/[~>=!<]/g, (c) => `\\${c}`)).join('|');
  const single = new RegExp(`^${space}(${ops})${space}(${version})${space}$`);
  for (const part of value.split(',')) {
    const match = single.exec(part);
    // "Malformed constraint: %s".
    if (!match) return `malformed constraint: received ${q(part)}`;
    const segments = (match[2] ?? '').replace(/^v/, '').split(/[-+]/)[0]?.split('.') ?? [];
    // go-version newVersion: "Error parsing version" when a segment overflows int64.
    if (segments.some((s) => BigInt(s) > 9223372036854775807n))
      return `a version segment is too large: received ${q(part)}`;
  }
  return undefined;
}
