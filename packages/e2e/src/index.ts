export * from './build-report';
export * from './workspace';
