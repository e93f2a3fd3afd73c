import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { JobspecInternalError } from '../errors';

/**
 * HashiCorp's HCL parser and hcl2json's conversion of a file to JSON: the Go WASM build that `@cdktn/hcl2json`
 * ships, run here rather than through that package's bridge. The bridge keeps one Go runtime for the life of the
 * process: once it dies (a Go fatal error, a stack overflow inside the WASM code), every later parse fails with
 * "Go program has already exited" and a timer the dead runtime had scheduled throws an uncaught exception. Here a
 * runtime that fails is dropped, its timers cancelled, and the next parse starts a fresh one.
 */

/** hcl2json's answer: the file as JSON, or its diagnostics (`parse config: [...]`, `convert to HCL: ...`). */
export type HclParseResult = { readonly json: Record<string, unknown> } | { readonly error: string };

/** One Go runtime running hcl2json's WASM build. */
export interface GoRuntime {
  /** Calls hcl2json's `parse(filename, source)`; throws when the runtime fails during the call. */
  parse(filename: string, source: string): HclParseResult;
  /** Whether the runtime has exited or failed; a dead runtime is never called again. */
  readonly dead: boolean;
}

/** The WebAssembly API of Node.js (the TypeScript libraries this package compiles with do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

/** The parts of wasm_exec.js's `Go` class this module uses. */
interface GoInstance {
  importObject: object;
  exited: boolean;
  exit: (code: number) => void;
  _resume: () => void;
  _scheduledTimeouts: Map<number, ReturnType<typeof setTimeout>>;
  run(instance: object): Promise<void>;
}

interface GoExports {
  parse(filename: string, source: string, callback: (error: unknown, result?: unknown) => void): void;
}

/** Where hcl2json's Go `main` registers its functions. */
const EXPORTS_GLOBAL = '__parse_terraform_config_wasm__';

/** Parses with the current runtime, starting a new one when there is none or the last one died. */
export class HclParser {
  private runtime: GoRuntime | undefined;
  private started = 0;

  constructor(private readonly startRuntime: () => GoRuntime = startGoRuntime) {}

  /** How many runtimes this parser has started (one, unless a runtime died). */
  get runtimeStarts(): number {
    return this.started;
  }

  /**
   * The file as hcl2json converts it, or its diagnostics.
   *
   * @throws JobspecInternalError when the runtime fails during this parse; the next parse starts a fresh one
   */
  parse(filename: string, source: string): HclParseResult {
    try {
      if (!this.runtime || this.runtime.dead) {
        this.started++;
        this.runtime = this.startRuntime();
      }
      return this.runtime.parse(filename, source);
    } catch (error) {
      this.runtime = undefined;
      throw new JobspecInternalError("running HashiCorp's HCL parser (it is restarted for the next file)", error);
    }
  }
}

/** The parser every import uses. */
export const hclParser = new HclParser();

let compiled: { module: object; Go: new () => GoInstance } | undefined;

/** Compiles the WASM module once per process (about 0.1 s); each runtime is a new instance of it. */
function compiledModule(): NonNullable<typeof compiled> {
  if (!compiled) {
    const packageDir = dirname(require.resolve('@cdktn/hcl2json/package.json'));
    // wasm_exec.js defines globalThis.Go, as the package's own bridge loads it.
    require(join(packageDir, 'wasm', 'bridge_wasm_exec.js'));
    const Go = (globalThis as unknown as { Go: new () => GoInstance }).Go;
    const module = new wasm.Module(gunzipSync(readFileSync(join(packageDir, 'main.wasm.gz'))));
    compiled = { module, Go };
  }
  return compiled;
}

/** Starts a Go runtime: its `main` registers hcl2json's functions, then waits for calls. */
export function startGoRuntime(): GoRuntime {
  const { module, Go } = compiledModule();
  const go = new Go();
  let failure: unknown;
  let dead = false;
  const die = (error: unknown) => {
    failure ??= error;
    dead = true;
    // A dead runtime must never be resumed: its pending timers would throw "Go program has already exited".
    for (const timer of go._scheduledTimeouts.values()) clearTimeout(timer);
    go._scheduledTimeouts.clear();
  };
  go.exit = (code) => die(new Error(`the Go runtime exited with code ${code}`));
  const resume = go._resume.bind(go);
  // Calls and timers both enter Go through _resume: a failure there (a Go fatal error, a stack overflow) marks the
  // runtime dead instead of escaping from a timer as an uncaught exception.
  go._resume = () => {
    if (dead) return;
    try {
      resume();
    } catch (error) {
      die(error);
    }
    if (go.exited) die(failure ?? new Error('the Go runtime exited'));
  };
  const exports: Partial<GoExports> = {};
  const globals = globalThis as Record<string, unknown>;
  const previous = globals[EXPORTS_GLOBAL];
  globals[EXPORTS_GLOBAL] = exports;
  try {
    // run() returns a promise that settles when Go exits; main has registered its functions when it returns.
    void go.run(new wasm.Instance(module, go.importObject)).catch(die);
  } finally {
    globals[EXPORTS_GLOBAL] = previous;
  }
  if (typeof exports.parse !== 'function') throw new Error('hcl2json did not register its parse function');
  const parse = exports.parse;
  return {
    get dead() {
      return dead;
    },
    parse(filename, source) {
      let answer: HclParseResult | undefined;
      parse(filename, source, (error, result) => {
        answer = error ? { error: String(error) } : { json: JSON.parse(String(result)) as Record<string, unknown> };
      });
      if (dead) throw failure;
      // hcl2json answers synchronously; no answer means the runtime stopped in the middle of the call.
      if (!answer) {
        die(new Error('the parser returned without an answer'));
        throw failure;
      }
      return answer;
    },
  };
}
