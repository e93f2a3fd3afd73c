import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { goValueFieldsSource, propsSource } from '../../scripts/tables';
import type { CheckProps, GroupProps, JobProps, ResourcesProps, TaskProps, UpdateProps } from '../../src';
import type { PropsOf } from '../../src/schema/dsl';
import type * as S from '../../src/schema/structs';

// The generated files are committed; `npx projen generate` rewrites them from Nomad's structs and the schema.
describe('generated files', () => {
  it.each([
    ['src/schema/go-value-fields.generated.ts', goValueFieldsSource],
    ['src/props.generated.ts', propsSource],
  ])('%s is current (run `npx projen generate` if not)', (file, source) => {
    expect(readFileSync(join(__dirname, '../..', file), 'utf8')).toBe(source());
  });

  it("documents every field with a description, its default and a link to Nomad's docs", () => {
    const text = propsSource();
    const fields = [...text.matchAll(/ {2}\/\*\*\n((?: {3}\*.*\n)+) {3}\*\/\n {2}readonly (\w+)(\??):/g)];
    expect(fields.length).toBeGreaterThan(400);
    for (const [, doc = '', name, optional] of fields) {
      expect(doc, name).toMatch(/^ {3}\* \S/);
      expect(doc, name).toContain('@see https://developer.hashicorp.com/nomad/docs/job-specification/');
      if (optional) expect(doc, name).toContain('@default ');
    }
  });
});

describe('the generated props interfaces', () => {
  it('are the types the schema computes: required fields required, the others optional', () => {
    expectTypeOf<JobProps>().toEqualTypeOf<PropsOf<typeof S.Job>>();
    expectTypeOf<GroupProps>().toEqualTypeOf<PropsOf<typeof S.TaskGroup>>();
    expectTypeOf<TaskProps>().toEqualTypeOf<PropsOf<typeof S.Task>>();
    expectTypeOf<ResourcesProps>().toEqualTypeOf<PropsOf<typeof S.Resources>>();
    expectTypeOf<CheckProps>().toEqualTypeOf<PropsOf<typeof S.ServiceCheck>>();
    expectTypeOf<UpdateProps>().toEqualTypeOf<PropsOf<typeof S.UpdateStrategy>>();
    // @ts-expect-error a task needs a driver
    const missingDriver: TaskProps = { name: 'web' };
    expect(missingDriver).toBeDefined();
  });
});
