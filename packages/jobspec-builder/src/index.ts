// Public API of @org/jobspec-builder. Modules are re-exported here as they land.
export {};
