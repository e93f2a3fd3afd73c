import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `../shared` beside the repository, where CI puts the Nomad docs and the conformance data. */
export const SHARED_DIR = resolve(__dirname, '../../../../../shared');

/**
 * The absolute path of `relativePath` under `../shared`. Throws when it is missing, so a test
 * that needs the fixtures fails with what to do instead of skipping or failing with a bare ENOENT.
 */
export function sharedPath(relativePath: string): string {
  const path = join(SHARED_DIR, relativePath);
  if (!existsSync(path)) {
    throw new Error(
      `Missing test fixture ${path}: these tests read ../shared/${relativePath} beside the repository ` +
        '(CI clones the shared folder there). Put it there, or run the tests from a checkout that has it.',
    );
  }
  return path;
}
