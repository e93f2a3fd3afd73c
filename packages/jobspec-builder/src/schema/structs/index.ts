/**
 * Nomad's job structs (`api/*.go`), Job and everything reachable from it, as
 * this library models them: one file per Go file of Nomad's `api` package (api/tasks.go, the largest, in two:
 * task-groups.ts and tasks.ts).
 * Property names are the camelCase of the HCL names (repeated blocks plural:
 * `constraint` -> `constraints`); `api` is the Go field name, which is the API
 * JSON key. test/schema/completeness.test.ts checks this table against Nomad's
 * struct list, field by field.
 */
export * from './constraint';
export * from './consul';
export * from './csi';
export * from './jobs';
export * from './resources';
export * from './scaling';
export * from './services';
export * from './task-groups';
export * from './task-sched';
export * from './tasks';
