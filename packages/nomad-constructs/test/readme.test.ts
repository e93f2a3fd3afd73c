import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = join(__dirname, '..');
const REPOSITORY_DIR = join(PACKAGE_DIR, '..', '..');
const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');

/** Every test file of the package, by file name. */
function testFiles(dir = join(PACKAGE_DIR, 'test')): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const [name, file] of testFiles(path)) {
        files.set(name, file);
      }
    } else if (entry.name.endsWith('.test.ts')) {
      files.set(entry.name, path);
    }
  }
  return files;
}

/** The rows of the README's security table: the property and the evidence column. */
function securityRows(): { property: string; evidence: string }[] {
  const section = readme.split('## Security')[1]?.split('\n### ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Property') && !line.startsWith('|---'))
    .map((line) => {
      const cells = line.split(' | ');
      return { property: (cells[0] ?? '').replace(/^\| /, ''), evidence: cells.at(-1)?.replace(/ \|$/, '') ?? '' };
    });
}

describe('README security table', () => {
  const files = testFiles();
  const rows = securityRows();

  it('has a row per property, each naming the test that proves it', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const row of rows) {
      expect(row.evidence, row.property).toMatch(/`[\w/.-]+\.test\.ts` "/);
    }
  });

  it.each(rows.map((row) => [row.property, row.evidence]))('names tests that exist: %s', (_, evidence) => {
    // Each quoted title belongs to the test file named before it in the cell.
    let file: string | undefined;
    for (const token of evidence.matchAll(/`([\w/.-]+\.test\.ts)`|"([^"]+)"/g)) {
      if (token[1] !== undefined) {
        const named = token[1];
        file = named.startsWith('packages/')
          ? join(REPOSITORY_DIR, named)
          : named.includes('/')
            ? join(PACKAGE_DIR, named)
            : files.get(basename(named));
        expect(file, named).toBeDefined();
        continue;
      }
      const title = (token[2] ?? '').replace(/^…/, '').replace(/…$/, '');
      expect(file, `"${title}" follows no test file`).toBeDefined();
      expect(readFileSync(file as string, 'utf8'), `"${title}" in ${file}`).toContain(title);
    }
  });
});
