import { describe, expect, it } from 'vitest';
import { JobspecError, JobspecInternalError, parseHcl } from '../../src';
import { type GoRuntime, HclParser, hclParser } from '../../src/import/hcl-parser';
import { MAX_HCL_NESTING } from '../../src/limits';

const SMALL_JOB = 'job "web" {\n  datacenters = ["dc1"]\n}\n';

function nestedGroups(count: number): string {
  return `job "x" {\n${'group "g" {\n'.repeat(count)}${'}\n'.repeat(count)}}\n`;
}

async function issuesOf(source: string) {
  try {
    await parseHcl(source);
  } catch (error) {
    if (error instanceof JobspecError) return error.issues;
    throw error;
  }
  throw new Error('expected the jobspec to be rejected');
}

describe('parseHcl against a hostile file', () => {
  it('rejects 1,000 nested blocks before the parser, naming the limit and the line, and parses normally afterwards', async () => {
    const starts = hclParser.runtimeStarts;
    const issues = await issuesOf(nestedGroups(1000));
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'limit-exceeded',
        location: 'job.nomad.hcl:33:7',
        message: expect.stringContaining(`nested more than ${MAX_HCL_NESTING} levels deep`),
      }),
    ]);
    const job = await parseHcl(SMALL_JOB);
    expect(job.props.datacenters).toEqual(['dc1']);
    // The parser never saw the file, so its runtime was never at risk.
    expect(hclParser.runtimeStarts).toBe(Math.max(starts, 1));
  });
});

describe('HclParser', () => {
  it("replaces a runtime that dies inside a parse, and reports that parse as an internal error, not the file's", () => {
    const parser = new HclParser();
    expect(parser.parse('a.hcl', SMALL_JOB)).toHaveProperty('json');
    // Past the nesting check, 10,000 levels overflow the stack inside the WASM code, which leaves the Go
    // runtime unusable.
    expect(() => parser.parse('a.hcl', nestedGroups(10_000))).toThrow(JobspecInternalError);
    expect(() => parser.parse('a.hcl', nestedGroups(10_000))).toThrow(/internal error .* This is a bug/);
    const after = parser.parse('a.hcl', SMALL_JOB);
    expect(after).toEqual({ json: { job: { web: [{ datacenters: ['dc1'] }] } } });
    expect(parser.runtimeStarts).toBe(3);
  });

  it('starts a fresh runtime for the next parse when the last one exited, as "Go program has already exited"', () => {
    const started: FakeRuntime[] = [];
    const parser = new HclParser(() => {
      const runtime = new FakeRuntime();
      started.push(runtime);
      return runtime;
    });
    expect(parser.parse('a.hcl', 'a = 1')).toEqual({ json: { answer: 1 } });
    (started[0] as FakeRuntime).dead = true; // what a Go fatal error between two parses leaves
    expect(parser.parse('a.hcl', 'a = 1')).toEqual({ json: { answer: 2 } });
    expect(started).toHaveLength(2);
    expect(started[0]?.calls).toBe(1);
  });

  it("reports the parser's diagnostics as its answer, not as an error", () => {
    const result = new HclParser().parse('a.hcl', 'job "x" {');
    expect(result).toEqual({
      error: expect.stringMatching(/^parse config: \[a\.hcl:1,9-10: Unclosed configuration block/),
    });
  });
});

/** A runtime that answers with a counter; the test marks it dead the way an exited Go runtime is. */
class FakeRuntime implements GoRuntime {
  dead = false;
  calls = 0;
  private static answers = 0;

  parse(): { json: Record<string, unknown> } {
    if (this.dead) throw new Error('Go program has already exited');
    this.calls++;
    return { json: { answer: ++FakeRuntime.answers } };
  }
}
