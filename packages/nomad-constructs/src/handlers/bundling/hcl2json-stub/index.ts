/**
 * Stands in for `@cdktn/hcl2json` in the Lambda bundles (esbuild `--alias`, see
 * `projenrc/nomad-constructs.ts`). The handlers use `@org/jobspec-builder`'s `NomadClient`, whose
 * package also holds the HCL importer: HashiCorp's parser is a WASM file read beside its module,
 * which a bundle does not have. No handler imports HCL, so nothing calls this. A directory (with a
 * package.json) so that the package's subpaths resolve too.
 */
export function parse(): Promise<never> {
  return Promise.reject(new Error('the HCL parser is not part of this Lambda bundle'));
}
