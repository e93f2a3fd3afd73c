import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction, type JSONInstruction, type ModifiableInstruction } from 'dockerfile-ast';

/** One `COPY` of a stage. */
export interface StageCopy {
  /** The stage copied from (`--from`), or undefined for the build context. */
  readonly from?: string;
  readonly sources: readonly string[];
  readonly destination: string;
}

/** One stage of the Dockerfile, in the terms the tests and the benchmark need. */
export interface Stage {
  readonly name: string;
  /** `FROM` image reference, e.g. `node:20.20.2-bookworm-slim`. */
  readonly image: string;
  readonly workdir?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly copies: readonly StageCopy[];
  /** `RUN` commands in shell form. */
  readonly runs: readonly string[];
  /** `USER`, as written. */
  readonly user?: string;
  readonly expose: readonly string[];
  /** `ENTRYPOINT` in exec form; undefined if absent or in shell form. */
  readonly entrypoint?: readonly string[];
  readonly entrypointIsExecForm: boolean;
  readonly healthcheck?: { readonly flags: Readonly<Record<string, string>>; readonly command?: readonly string[] };
  /** Every instruction keyword of the stage, in order (`FROM`, `WORKDIR`, ...). */
  readonly keywords: readonly string[];
}

export const DOCKERFILE_PATH = join(__dirname, '..', 'Dockerfile');

/** The stages of the package's Dockerfile, parsed with dockerfile-ast (the parser of the Docker language server). */
export function readDockerfileStages(path: string = DOCKERFILE_PATH): Stage[] {
  const dockerfile = DockerfileParser.parse(readFileSync(path, 'utf8'));
  return dockerfile.getFROMs().map((from, index, froms) => {
    const startLine = from.getRange().start.line;
    const endLine = froms[index + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    const instructions = dockerfile
      .getInstructions()
      .filter((i) => i.getRange().start.line >= startLine && i.getRange().start.line < endLine);
    const of = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword);
    const entrypoint = of('ENTRYPOINT')[0] as JSONInstruction | undefined;
    const entrypointStrings = entrypoint?.getJSONStrings().map((s) => s.getJSONValue());
    const healthcheck = of('HEALTHCHECK')[0];
    return {
      name: from.getBuildStage() ?? String(index),
      image: from.getImage() ?? '',
      ...optional('workdir', lastArgument(of('WORKDIR'))),
      env: Object.fromEntries(
        of('ENV').flatMap((env) =>
          (env as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] })
            .getProperties()
            .map((p) => [p.getName(), p.getValue() ?? '']),
        ),
      ),
      copies: of('COPY').map((copy) => {
        const fromFlag = (copy as unknown as { getFromFlag(): { getValue(): string | null } | null }).getFromFlag();
        const paths = copy
          .getArguments()
          .map((a) => a.getValue())
          .filter((a) => !a.startsWith('--'));
        return {
          ...optional('from', fromFlag?.getValue() ?? undefined),
          sources: paths.slice(0, -1),
          destination: paths[paths.length - 1] ?? '',
        };
      }),
      runs: of('RUN').map((run) => run.getArgumentsContent() ?? ''),
      ...optional('user', lastArgument(of('USER'))),
      expose: of('EXPOSE').flatMap((e) => e.getArguments().map((a) => a.getValue())),
      ...optional('entrypoint', entrypointStrings && entrypointStrings.length > 0 ? entrypointStrings : undefined),
      entrypointIsExecForm: entrypointStrings !== undefined && entrypointStrings.length > 0,
      ...optional('healthcheck', healthcheck ? parseHealthcheck(healthcheck) : undefined),
      keywords: instructions.map((i) => i.getKeyword()),
    };
  });
}

function lastArgument(instructions: Instruction[]): string | undefined {
  return instructions[instructions.length - 1]?.getArgumentsContent() ?? undefined;
}

/** `HEALTHCHECK [--flag=value...] CMD ["exec", "form"]`: the flags and the command, when in exec form. */
function parseHealthcheck(instruction: Instruction): { flags: Record<string, string>; command?: string[] } {
  const content = instruction.getArgumentsContent() ?? '';
  const flags = Object.fromEntries(
    (instruction as ModifiableInstruction).getFlags().map((flag) => [flag.getName(), flag.getValue() ?? '']),
  );
  const json = /CMD\s+(\[.*\])\s*$/s.exec(content)?.[1];
  return { flags, ...(json ? { command: JSON.parse(json) as string[] } : {}) };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** The node flags the image starts the server with (between the node binary and the script in ENTRYPOINT). */
export function runtimeNodeFlags(stages: readonly Stage[] = readDockerfileStages()): string[] {
  const entrypoint = stages[stages.length - 1]?.entrypoint ?? [];
  return entrypoint.slice(1).filter((arg) => arg.startsWith('--'));
}
