/**
 * Stable identifiers for the ways a body can fail to render.
 *
 * - `invalid-identifier`: an attribute name or block type is not an HCL identifier.
 * - `invalid-label`: a block label is not a string.
 * - `duplicate-attribute`: a body sets the same attribute twice (HCL rejects it).
 * - `invalid-number`: a number is `NaN` or infinite.
 * - `invalid-string`: a string holds an unpaired UTF-16 surrogate, which UTF-8 cannot encode.
 * - `INVALID_EXPRESSION`: an expression is empty, unbalanced or holds a comment.
 * - `UNSUPPORTED_VALUE`: a value is not one of the {@link HclValue} kinds.
 * - `CIRCULAR_VALUE`: a list or object contains itself.
 * - `INVALID_BODY`: a body item is neither an attribute nor a block.
 */
export type HclErrorCode =
  | 'invalid-identifier'
  | 'invalid-label'
  | 'duplicate-attribute'
  | 'invalid-number'
  | 'invalid-string'
  | 'INVALID_EXPRESSION'
  | 'UNSUPPORTED_VALUE'
  | 'CIRCULAR_VALUE'
  | 'INVALID_BODY';

/**
 * The error thrown by the HCL writer.
 *
 * The message reads "<what> at <path>: expected X, received Y." followed by how to fix it,
 * so it can be shown to users as is.
 */
export class HclError extends Error {
  public override readonly name = 'HclError';
  /** Which rule was broken; stable across releases, unlike the message. */
  public readonly code: HclErrorCode;
  /**
   * Where in the rendered file the problem is, e.g. `job["web"].group["api"].meta["a.b"]`.
   * Empty when the error comes from a factory ({@link attribute}, {@link block}, {@link HclExpression.of}),
   * which does not know where its result will be placed.
   */
  public readonly path: string;

  /**
   * @param code - the rule that was broken
   * @param summary - what is wrong, without location ("Invalid attribute name")
   * @param detail - what was expected and received, and the fix
   * @param path - where the problem is, or '' when unknown
   */
  public constructor(code: HclErrorCode, summary: string, detail: string, path = '') {
    super(`${summary}${path === '' ? '' : ` at ${path}`}: ${detail}`);
    this.code = code;
    this.path = path;
  }
}
