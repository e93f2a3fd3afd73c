/**
 * Bounds on what this library reads, so that no input can exhaust the stack, the heap or the CPU of the process
 * reading it (a CDK app, a server, the CLI). Each is far above what a real jobspec needs; going past one is a
 * `limit-exceeded` problem (or, inside a function, an `evaluation-failed` one) that names the limit.
 */

/**
 * Nesting of an HCL file: blocks, block labels, brackets, parentheses, strings and heredocs, `${}`/`%{}` sequences,
 * conditional operators in one expression and unary operators in a row each count one level. HashiCorp's parser
 * (a Go WASM build here) overflows the JavaScript stack at a few hundred levels; real jobspecs nest about ten.
 */
export const MAX_HCL_NESTING = 64;

/**
 * Lines and literal `$` and `%` signs of one HCL template (a quoted string or a heredoc) that has a `~` strip marker.
 * HashiCorp's parser joins a template's literal parts in quadratic time; other templates are given to it in a form
 * without that cost, but where a strip marker's parts end changes what it strips.
 */
export const MAX_STRIP_TEMPLATE_PARTS = 2000;

/**
 * Nesting of a value an HCL function returns (`jsondecode`, `yamldecode`, ...) or a local or variable holds, so that
 * locals that wrap each other cannot build values without bound. Room for what {@link MAX_HCL_NESTING} allows in
 * free-form bodies, where every block and label adds two levels.
 */
export const MAX_VALUE_NESTING = 160;

/**
 * Steps of work one import may do evaluating expressions (4 Mi): elements built and read by functions, 16 characters
 * of text, loop iterations. Real jobspecs use a few thousand; a value of millions of elements would take seconds to
 * render.
 */
export const MAX_EVALUATION_WORK = 4 * 1024 * 1024;

/** Nesting of an API JSON job (`Job.fromApiJson`, `jobspec` with a .json file): room for what HCL imports build. */
export const MAX_JSON_NESTING = 256;

/** Characters of one string an HCL function returns (`format`, `indent`, `join`, ...): 16 Mi. */
export const MAX_FUNCTION_STRING = 16 * 1024 * 1024;

/** Elements of one list, set or map an HCL function returns (`range`, `setproduct`, ...): 1 Mi. */
export const MAX_FUNCTION_ELEMENTS = 1024 * 1024;

/** Bytes of one file `file()` or `filebase64()` reads: 4 MiB (a jobspec embeds configuration files, not data). */
export const MAX_FUNCTION_FILE_BYTES = 4 * 1024 * 1024;

/** Paths `fileset()` returns, and directory entries it visits. */
export const MAX_FILESET_ENTRIES = 10_000;
