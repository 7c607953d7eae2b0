import type { BuildOptions } from 'esbuild';

/** ESM bundles of CommonJS dependencies still call require(); give them one. */
export const REQUIRE_BANNER = "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);";

/**
 * How every function is bundled (esbuild), shared by the stack (project-function.ts) and `npm run bench` so the
 * benchmark measures what is deployed. `module` first: the AWS SDK and Powertools ship ES modules (`dist-es`,
 * `lib/esm`) that esbuild can tree-shake, where their CommonJS builds come whole.
 */
export const BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
} satisfies BuildOptions;
