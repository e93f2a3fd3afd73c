import { expect, it } from 'vitest';
import { Job, JobspecError } from '../../src';

// Found by the random-input property test (seed -1070368878): a key named like an Object.prototype member.
it('answers a group with a `__proto__` key with issues, never a TypeError', () => {
  const build = () => new Job(JSON.parse('{"groups":[{"__proto__":[]}]}')).validate();
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(JobspecError);
  }
});
