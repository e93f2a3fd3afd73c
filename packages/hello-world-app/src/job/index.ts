// `@org/hello-world-app/job`: the service's Nomad job, built with @org/jobspec-builder.
export * from './hello-world-job';
