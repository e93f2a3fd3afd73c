// The props of every block of a job: named interfaces generated from the schema table (src/props.generated.ts),
// each field documented with its default and a link to Nomad's docs.
export type * from './props.generated';
