// Public API of @org/trainer. Modules are re-exported here as they land.
export {};
