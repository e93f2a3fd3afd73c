export * from './build-report';
export * from './nag-findings';
export * from './reference-app';
export * from './synth-summary';
export * from './workspace';
