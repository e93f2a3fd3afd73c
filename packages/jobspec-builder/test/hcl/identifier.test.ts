import { describe, expect, it } from 'vitest';
import { isIdentifier } from '../../src/hcl';

describe('isIdentifier', () => {
  it.each(['a', 'job', 'max_parallel', '_private', 'kebab-case', 'A1', 'for', 'x-'])('accepts %j', (name) => {
    expect(isIdentifier(name)).toBe(true);
  });

  it.each(['', '1st', '-a', 'a.b', 'a b', 'a"b', 'clé', 'a\n', '${x}', 'a/b'])('rejects %j', (name) => {
    expect(isIdentifier(name)).toBe(false);
  });
});
