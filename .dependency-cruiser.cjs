/**
 * The layering rules (docs/operations.md, "Gates"), checked by `npm run lint` and so by `npm test`:
 * npx depcruise --config .dependency-cruiser.cjs bin lib functions local scripts
 * Paths are resolved as TypeScript resolves them, type-only imports included.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'functions/domain holds the pure rules: it imports only itself, pure npm libraries and node:crypto (hashing). ' +
        'No AWS, no adapters, use-cases, handlers, configuration or clock: those come in as arguments.',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: {
        pathNot: ['^functions/domain/', '^node_modules/(chinese-days|lunar-javascript|currency-codes|zod)/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-uses-no-node-io',
      comment: 'Of Node itself the domain uses only node:crypto (deterministic hashes and HMACs).',
      severity: 'error',
      from: { path: '^functions/domain/' },
      to: { dependencyTypes: ['core'], pathNot: '^crypto$' },
    },
    {
      name: 'functions-never-import-local',
      comment: 'The same handler code runs in AWS and locally: local/ adapts transport around it, never the reverse.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^local/' },
    },
    {
      name: 'handlers-are-entry-points',
      comment: 'A handler is a Lambda entry point: nothing in functions/ or lib/ imports one (bin, local and tests may).',
      severity: 'error',
      from: { path: '^(functions|lib)/' },
      to: { path: '^functions/handlers/' },
    },
    {
      name: 'handlers-no-adapter-internals',
      comment:
        "Handlers compose adapters through their modules (functions/adapters/*.ts) and the carriers package's public " +
        "modules (limits, push, from-config); a provider's implementation (AfterShip, 17TRACK, Kuaidi100 and their " +
        'support code) is reached only through functions/tracking-wiring.ts.',
      severity: 'error',
      from: { path: '^functions/handlers/' },
      to: { path: '^functions/adapters/.+/', pathNot: '^functions/adapters/carriers/(limits|push|from-config)\\.ts$' },
    },
    {
      name: 'handlers-make-no-aws-clients',
      comment:
        'AWS SDK clients are made in adapters and wiring. Known exception: the notifier builds its SES and SMS clients ' +
        '(to move into adapters/notice-senders.ts with the typed configuration of issue 14, item 1).',
      severity: 'error',
      from: { path: '^functions/handlers/', pathNot: '^functions/handlers/notifier\\.ts$' },
      to: { path: '^node_modules/@aws-sdk/' },
    },
    {
      name: 'lib-imports-only-constants-from-functions',
      comment:
        'The CDK app shares names with the functions (table indexes, partitions, metric names, roles, event names) ' +
        'but never their code paths: lib/ may import functions/domain, functions/schemas and the adapters that define ' +
        'such constants, never handlers, use-cases, wiring, http or web.',
      severity: 'error',
      from: { path: '^(lib|bin)/' },
      to: {
        path: '^functions/',
        pathNot: ['^functions/domain/', '^functions/schemas/', '^functions/adapters/(case-index|notice-store|business-metric-names|dynamo)\\.ts$'],
      },
    },
    {
      name: 'use-cases-depend-on-ports',
      comment:
        'Use-cases call the case, wait, open-case, review, refund, ledger and SLA stores, the workflow client and the alerts through ' +
        'the interfaces of functions/use-cases/ports.ts (in-memory fakes stand in for them in tests/unit/use-cases); ' +
        'only ports.ts names those modules, for the records they return. Known exceptions, to move next: ' +
        'send-notice.ts (the notices helper rewrites it), accept-webhook.ts (webhook receipts of DedupeStore) and ' +
        'tracking/provider-health.ts (OpsAlerts.idFor, a static key).',
      severity: 'error',
      from: {
        path: '^functions/use-cases/',
        pathNot: '^functions/use-cases/(ports|send-notice|accept-webhook|tracking/provider-health)\\.ts$',
      },
      to: { path: '^functions/adapters/(case-store|wait-store|dedupe-store|review-store|refund-store|ledger-store|sla-store|workflow|ops-alerts)\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency (aws-lambda is types only: @types/aws-lambda).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
