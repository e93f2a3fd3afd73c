// Public API of @org/hello-world-app. Modules are re-exported here as they land.
export {};
