import { describe, expect, it } from 'vitest';
import { greeting } from '../src/greeting';

describe('greeting', () => {
  it('names the allocation, task and node under Nomad', () => {
    expect(greeting({ allocId: 'a1b2', taskName: 'web', nodeName: 'node-7', hostname: 'c0ffee' })).toBe(
      'Hello from allocation a1b2 (task web, node node-7)\n',
    );
  });

  it('names the allocation alone when the task and node are unknown', () => {
    expect(greeting({ allocId: 'a1b2', hostname: 'c0ffee' })).toBe('Hello from allocation a1b2\n');
  });

  it('names the host outside Nomad', () => {
    expect(greeting({ hostname: 'laptop' })).toBe('Hello from laptop\n');
  });
});
