import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectBuildReport, formatBuildReport } from '../src/build-report';

function fakeWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'build-report-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ workspaces: ['packages/*'] }));
  const built = join(root, 'packages', 'built');
  mkdirSync(join(built, 'lib', 'render'), { recursive: true });
  writeFileSync(join(built, 'package.json'), JSON.stringify({ name: '@org/built', version: '1.2.3' }));
  for (const file of ['index.js', 'index.d.ts', 'render/hcl.js', 'render/hcl.d.ts', 'index.js.map']) {
    writeFileSync(join(built, 'lib', file), '');
  }
  const unbuilt = join(root, 'packages', 'unbuilt');
  mkdirSync(unbuilt);
  writeFileSync(
    join(unbuilt, 'package.json'),
    JSON.stringify({ name: '@org/unbuilt', version: '0.0.0', private: true }),
  );
  return root;
}

describe('collectBuildReport', () => {
  it('counts compiled modules and declarations under lib/ of every package', () => {
    expect(collectBuildReport(fakeWorkspace())).toEqual([
      { name: '@org/built', version: '1.2.3', published: true, modules: 2, declarations: 2 },
      { name: '@org/unbuilt', version: '0.0.0', published: false, modules: 0, declarations: 0 },
    ]);
  });
});

describe('formatBuildReport', () => {
  it('prints one aligned line per package', () => {
    expect(formatBuildReport(collectBuildReport(fakeWorkspace()))).toMatchInlineSnapshot(`
      "package       version  published  modules  declarations
      @org/built    1.2.3    yes              2             2
      @org/unbuilt  0.0.0    no               0             0"
    `);
  });
});
