/** Targets: what the suite runs against. See docs/architecture.md, "Target". */

export { msUntilRefused } from './expiry.ts';
export { targetJsonSchema } from './json-schema.ts';
export { type Env, loadTarget, locateJsonError, type ParseTargetOptions, parseTarget } from './load.ts';
export { isProductionTarget } from './production.ts';
export * from './readings.ts';
export { missing, type Need } from './requirements.ts';
export { type ResolvedTarget, type ResolveTargetOptions, resolveTarget } from './resolve.ts';
export * from './types.ts';
