import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, JobspecError, Size } from '../src';
import { typeCheck } from './support/typecheck';

const PACKAGE_DIR = join(__dirname, '..');

/** The ```ts blocks of the README, each compiled as its own module against this package's sources. */
function readmeSnippets(): { name: string; code: string }[] {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match, i) => ({
    name: `readme-snippet-${i + 1}.ts`,
    code: match[1] as string,
  }));
}

describe('README examples', () => {
  it('shows the error format exactly as JobspecError prints it', () => {
    const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
    const shown = /## Errors[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
    const job = new Job({
      id: 'web',
      groups: [
        {
          name: 'web',
          services: [{ name: 'web', port: 'http', provider: 'nomad' }],
          tasks: [
            {
              name: 'app',
              driver: 'docker',
              config: { image: 'nginx:1.27' },
              resources: { memory: Size.mebibytes(4) },
            },
          ],
        },
      ],
    });
    expect(() => job.toHcl()).toThrow(JobspecError);
    let printed = '';
    try {
      job.toHcl();
    } catch (error) {
      printed = String(error);
    }
    expect(`${printed}\n`).toBe(shown);
  });

  const snippets = readmeSnippets();

  it('has the examples the issue asks for', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
  });

  it('compile against the package as users import it', () => {
    const diagnostics = typeCheck(new Map(snippets.map((s) => [s.name, s.code])));
    expect(diagnostics).toEqual([]);
  });
});
