import { describe, expect, it } from 'vitest';
import { attribute, block, HclError } from '../../src/hcl';

describe('attribute', () => {
  it('builds a frozen attribute node', () => {
    const node = attribute('count', 3);
    expect(node).toEqual({ kind: 'attribute', name: 'count', value: 3 });
    expect(Object.isFrozen(node)).toBe(true);
  });

  it('throws on a name that is not an identifier, saying what is allowed and how to fix it', () => {
    expect(() => attribute('a.b', 'x')).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid attribute name: expected an identifier (ASCII letters, digits, "_" and "-", starting with a letter or "_"), received "a.b". To use another key, put it in an object value, where any string is allowed: meta = { "a.b" = "x" }.]`,
    );
    expect(() => attribute('', 'x')).toThrow(HclError);
  });
});

describe('block', () => {
  it('builds a frozen block node that does not share its arrays with the caller', () => {
    const labels = ['web'];
    const body = [attribute('type', 'service')];
    const node = block('job', labels, body);
    labels.push('extra');
    body.push(attribute('extra', 1));
    expect(node).toEqual({ kind: 'block', type: 'job', labels: ['web'], body: [attribute('type', 'service')] });
    expect(Object.isFrozen(node.labels) && Object.isFrozen(node.body)).toBe(true);
  });

  it('throws on a type that is not an identifier', () => {
    expect(() => block('my block', [], [])).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid block type: expected an identifier (ASCII letters, digits, "_" and "-", starting with a letter or "_"), received "my block".]`,
    );
  });

  it('throws on a label that is not a string', () => {
    expect(() => block('job', [42 as unknown as string], [])).toThrowErrorMatchingInlineSnapshot(
      `[HclError: Invalid label of block "job": expected a string at labels[0], received number.]`,
    );
  });
});
