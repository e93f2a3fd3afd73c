// Public API of @org/nomad-constructs. Modules are re-exported here as they land.
export {};
