export { resolveTopology } from './resolve-topology.js';
export { CfnResolutionError } from './intrinsics.js';
export type * from './types.js';
