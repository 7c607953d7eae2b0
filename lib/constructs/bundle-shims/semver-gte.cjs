'use strict';
/**
 * Bundled in place of `semver` (lib/constructs/bundling.ts `alias`): the traced functions get semver through the
 * X-Ray SDK, whose SDK v2 patcher (aws_p.js, loaded with the rest of the CommonJS package, never called: we capture
 * SDK v3 clients) calls only `gte` — semver's index loads every class and range function (28 KiB minified). `gte` is semver's own, not a rewrite; a call to any other function would
 * fail at once, and tests/cdk/bundling.test.ts fails if another module starts importing semver.
 */
// By path: the alias would remap `semver/functions/gte` too (esbuild aliases a package's subpaths).
module.exports = { gte: require('../../../node_modules/semver/functions/gte.js') };
