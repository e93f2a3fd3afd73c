// The server. The Nomad job is the separate entry point `@org/hello-world-app/job`,
// so that running the server never loads the job builder.
export * from './app';
export * from './config';
export * from './defaults';
export * from './drain';
export * from './greeting';
export * from './lifecycle';
export * from './logger';
export * from './metrics';
export * from './server';
export * from './stop-signals';
