import { execFileSync } from 'node:child_process';
import type { BuildOptions, Metafile } from 'esbuild';
import { join } from 'node:path';

/** ESM bundles of CommonJS dependencies still call require(); give them one. */
export const REQUIRE_BANNER = "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);";

/** The file Lambda loads: `index.handler`. */
export const ENTRY_FILE = 'index.mjs';

/**
 * How every function is bundled (esbuild), shared by the stack (project-function.ts) and `npm run bench` so the
 * benchmark measures what is deployed. `module` first: the AWS SDK and Powertools ship ES modules (`dist-es`,
 * `lib/esm`) that esbuild can tree-shake, where their CommonJS builds come whole. Code splitting: what is imported
 * with `import()` goes to its own chunk under `chunks/`, loaded when first used instead of at every cold start — the
 * SDK's credential providers other than the environment's (SSO, STS, profiles, instance metadata: ~110 KiB that a
 * Lambda never runs) and the notice copy of the languages a function is not rendering. Nothing is external: the
 * Lambda runtime has an AWS SDK v3, but bundling pins the version we tested and tree-shakes it.
 */
export const BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  banner: { js: REQUIRE_BANNER },
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
} satisfies BuildOptions;

/**
 * Bundles one handler into `outdir` (index.mjs and its chunks), as deployed: with external source maps, no sources,
 * and the plugins of esbuild-build.mjs (semver's `gte` alone for the X-Ray SDK). esbuild runs plugins only in its
 * asynchronous API and CDK's `tryBundle` is synchronous: the build runs in a child process, waited for.
 */
export function bundleFunction(entry: string, outdir: string, options: Pick<BuildOptions, 'metafile' | 'sourcemap'> = { sourcemap: true }): Metafile | undefined {
  const build: BuildOptions = { ...BUNDLING, ...options, sourcesContent: false, entryPoints: [entry], outdir, logLevel: 'error' };
  const script = join(import.meta.dirname, 'esbuild-build.mjs');
  let metafile: string;
  try {
    metafile = execFileSync(process.execPath, [script, JSON.stringify(build)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // esbuild's own messages (which import failed, and why) in the error whoever bundles sees.
    throw new Error(`esbuild could not bundle ${entry}:\n${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  return (JSON.parse(metafile) as Metafile | null) ?? undefined;
}

/** The output files a cold start loads: the entry and, transitively, the chunks it imports statically (not `import()`). */
export function loadedAtStart(metafile: Metafile, entry: string): string[] {
  const loaded = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (loaded.has(file)) continue;
    loaded.add(file);
    for (const { path, kind } of metafile.outputs[file]!.imports) if (kind === 'import-statement' && metafile.outputs[path]) pending.push(path);
  }
  return [...loaded];
}
