/**
 * Stands in for `@cdktn/hcl2json` in the Lambda bundles (esbuild `--alias`, see
 * `projenrc/nomad-constructs.ts`). The handlers use `@org/jobspec-builder`'s `NomadClient`, whose
 * package also holds the HCL importer: its WASM parser reads a file next to its module when it is
 * loaded, which a bundle does not have. No handler imports HCL, so nothing calls this.
 */
export function parse(): Promise<never> {
  return Promise.reject(new Error('the HCL parser is not part of this Lambda bundle'));
}
