// Public API of @org/trainer: the commands as functions, the model format, and the Nomad job.
export * from './commands/context';
export * from './commands/evaluate';
export * from './commands/load-model';
export * from './commands/optimize';
export * from './commands/predict';
export * from './commands/train';
export * from './data/csv-reader';
export * from './data/data-source';
export * from './data/table';
export * from './errors';
export * from './model/dense-network';
export * from './model/model-file';
export * from './observability/logger';
export * from './storage/location';
export * from './storage/run-store';
export * from './training/classification-metrics';
export * from './training/hyperparameters';
