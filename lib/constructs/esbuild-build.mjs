/**
 * Runs one esbuild build with the project's plugins, for lib/constructs/bundling.ts `bundleFunction`: esbuild runs
 * plugins only in its asynchronous API, and CDK's local bundling (`tryBundle`) is synchronous, so bundleFunction
 * runs this file as a child process. Argument: the build options as JSON; output: the metafile as JSON on stdout.
 */
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** The one package allowed to import `semver`, by the path of the importing file. */
const SEMVER_IMPORTER = /[\\/]node_modules[\\/]aws-xray-sdk-core[\\/]/;

/**
 * The X-Ray SDK (traced functions) gets semver for its SDK v2 patcher (aws_p.js: loaded with the rest of the CommonJS
 * package, never called, as we capture SDK v3 clients), which calls only `semver.gte`. semver's index loads every
 * class and range function (28 KiB minified), so that import gets a module holding semver's own `gte` alone, found
 * from the importer's folder as Node would find it. Any other importer of `semver` fails the build: it may call more
 * than `gte`, and would throw at run time.
 */
export const semverGteForXray = {
  name: 'semver-gte-for-xray',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^semver$/ }, async ({ importer, resolveDir, kind }) => {
      if (!SEMVER_IMPORTER.test(importer)) {
        return { errors: [{ text: `${importer} imports semver: only aws-xray-sdk-core may, which calls gte alone (lib/constructs/esbuild-build.mjs)` }] };
      }
      const gte = await esbuild.resolve('semver/functions/gte.js', { kind, resolveDir });
      if (gte.errors.length > 0) return { errors: gte.errors };
      return { path: gte.path, namespace: 'semver-gte' };
    });
    esbuild.onLoad({ filter: /.*/, namespace: 'semver-gte' }, ({ path }) => ({
      contents: `module.exports = { gte: require(${JSON.stringify(path)}) };`,
      resolveDir: dirname(path),
      loader: 'js',
    }));
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options = JSON.parse(process.argv[2]);
  const { metafile } = await build({ ...options, plugins: [semverGteForXray] });
  process.stdout.write(JSON.stringify(metafile ?? null));
}
