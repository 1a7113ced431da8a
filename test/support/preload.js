// Evaluate Nest's ES modules before any CommonJS package (such as @nestjs/throttler) require()s
// them, so Jest's module loader does not see a require(esm) cycle.
await import('@nestjs/common');
await import('@nestjs/core');
