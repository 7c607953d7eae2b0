import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFunction, ENTRY_FILE, loadedAtStart } from '../../lib/constructs/bundling.js';

/**
 * What a cold start loads (lib/constructs/bundling.ts): the notice copy of one language at a time, loaded when a
 * notice or page in that language is first rendered, and the SDK's other credential providers not at all. A static
 * import of the copies (functions/domain/notices/all-copies.ts) from a function's code would put all three back.
 */
const out = mkdtempSync(join(tmpdir(), 'bundling-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function bundled(handler: string) {
  const metafile = bundleFunction(join('functions', 'handlers', `${handler}.ts`), join(out, handler), { metafile: true }) as Metafile;
  const entry = Object.keys(metafile.outputs).find((file) => basename(file) === ENTRY_FILE)!;
  const inputsOf = (files: string[]) => files.flatMap((file) => Object.keys(metafile.outputs[file]!.inputs));
  const loaded = loadedAtStart(metafile, entry);
  const lazy = Object.keys(metafile.outputs).filter((file) => file.endsWith('.mjs') && !loaded.includes(file));
  return { atStart: inputsOf(loaded), onUse: inputsOf(lazy), metafile };
}

describe('function bundles', () => {
  it.each(['notifier', 'status-page'])('%s loads each language of the notice copy only when it renders one', (handler) => {
    const { atStart, onUse } = bundled(handler);
    const copies = ['copy-de.ts', 'copy-en.ts', 'copy-zh.ts'].map((file) => `functions/domain/notices/${file}`);
    for (const copy of copies) {
      expect(atStart).not.toContain(copy);
      expect(onUse).toContain(copy);
    }
  });

  it('a cold start does not load the SDK credential providers a Lambda does not use (SSO, profiles, STS)', () => {
    const { atStart, onUse } = bundled('record-failure');
    const sso = (inputs: string[]) => inputs.filter((input) => input.includes('@aws-sdk/credential-provider-sso/'));
    expect(sso(atStart)).toEqual([]);
    expect(sso(onUse).length).toBeGreaterThan(0);
  });

  it('the traced functions bundle semver as its gte alone, imported by the one module that calls nothing else', () => {
    // lib/constructs/esbuild-build.mjs gives aws-xray-sdk-core semver's gte alone: another importer may call more.
    const { atStart, metafile } = bundled('notifier');
    const importers = Object.entries(metafile.inputs)
      .filter(([, input]) => input.imports.some((imported) => imported.original === 'semver'))
      .map(([path]) => path)
      .sort();
    expect(importers).toEqual(['node_modules/aws-xray-sdk-core/dist/lib/patchers/aws_p.js']);
    // gte and what it requires: semver's index, its ranges and other functions are left out.
    expect(atStart.filter((input) => input.startsWith('node_modules/semver/')).sort()).toEqual([
      'node_modules/semver/classes/semver.js',
      'node_modules/semver/functions/compare.js',
      'node_modules/semver/functions/gte.js',
      'node_modules/semver/internal/constants.js',
      'node_modules/semver/internal/debug.js',
      'node_modules/semver/internal/identifiers.js',
      'node_modules/semver/internal/parse-options.js',
      'node_modules/semver/internal/re.js',
    ]);
  });

  it('fails the build when a module other than the X-Ray SDK imports semver (it would get gte alone)', () => {
    // Inside the repository, so that `semver` resolves from its node_modules as a function's own import would.
    mkdirSync('test-results', { recursive: true });
    const dir = mkdtempSync(join('test-results', 'semver-importer-'));
    try {
      const entry = join(dir, 'handler.ts');
      writeFileSync(entry, "import { satisfies } from 'semver';\nexport const handler = async () => satisfies('1.2.3', '^1');\n");
      expect(() => bundleFunction(entry, join(dir, 'out'))).toThrow(/imports semver: only aws-xray-sdk-core may/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Rare paths and single routes in chunks of their own (docs/performance.md "Bundles (December 5, afternoon)").
  const lazily = (handler: string, inputs: string[]) => {
    const { atStart, onUse } = bundled(handler);
    for (const input of inputs) {
      expect(
        atStart.filter((file) => file.includes(input)),
        `${handler} loads ${input} at start`,
      ).toEqual([]);
      expect(
        onUse.some((file) => file.includes(input)),
        `${handler} deploys ${input} in a chunk`,
      ).toBe(true);
    }
  };

  it('the ops API loads each route group with the first request it serves, and SQS and Step Functions on first use', () => {
    const groups = ['case', 'privacy', 'decision', 'follow-up', 'report', 'sla'].map((group) => `functions/http/ops-${group}-routes.ts`);
    lazily('ops-api', [...groups, '@aws-sdk/client-sfn/', '@aws-sdk/client-sqs/']);
  });

  it("the ops API builds the route groups' stores, the markets and metrics with the first request a group serves", () => {
    const groupDeps = ['functions/adapters/privacy-store.ts', 'functions/adapters/sla-store.ts', 'functions/adapters/report-counters.ts'];
    lazily('ops-api', [...groupDeps, 'functions/domain/cn-calendar.ts', 'functions/domain/de-calendar.ts', '@aws-lambda-powertools/metrics/']);
  });

  // The intake checks markets by their policies alone; the status page and the survey show and count a case by its
  // market's policy and zone (wiring.ts marketPolicies): none counts working days.
  it.each(['ingest-webhook', 'status-page', 'survey-api', 'survey'])('%s has no calendar code or holiday data in its bundle', (handler) => {
    const { atStart, onUse } = bundled(handler);
    const calendars = ['cn-calendar.ts', 'cn-published-days.ts', 'cn-lunar-dates.ts', 'de-calendar.ts', 'holidays-de.json'];
    expect([...atStart, ...onUse].filter((input) => calendars.some((file) => input.endsWith(file)))).toEqual([]);
  });

  it.each(['status-page', 'survey-api'])("%s resumes a case without the intake's event schemas", (handler) => {
    const { atStart, onUse } = bundled(handler);
    expect([...atStart, ...onUse].filter((input) => input.endsWith('schemas/webhook.ts') || input.endsWith('use-cases/apply-intake-event.ts'))).toEqual([]);
  });

  it('the intake records privacy requests without the privacy store (exports, redactions, retention)', () => {
    const { atStart, onUse } = bundled('ingest-webhook');
    expect(atStart).toContain('functions/adapters/privacy-requests.ts');
    expect([...atStart, ...onUse].filter((input) => input.endsWith('adapters/privacy-store.ts'))).toEqual([]);
  });

  it('a function that maps no carrier name drops the carrier registry; no config pulls the routing schemas', () => {
    const { atStart } = bundled('record-failure');
    expect(atStart.filter((input) => input.endsWith('domain/carriers.ts') || input.endsWith('carriers/routing.ts'))).toEqual([]);
  });

  it('the console loads the reports, the forms, SQS and Step Functions with the first request that needs them', () => {
    lazily('console', ['functions/web/reports-page.ts', 'functions/http/console-actions.ts', '@aws-sdk/client-sfn/', '@aws-sdk/client-sqs/']);
  });

  it("the console's pages read the markets' policies and zones; its forms build the calendars with the first one sent", () =>
    lazily('console', ['functions/domain/cn-calendar.ts', 'functions/domain/de-calendar.ts', 'functions/domain/data/holidays-de.json']));

  it.each(['status-page', 'survey-api'])('%s loads the Step Functions client at its first resume', (handler) => lazily(handler, ['@aws-sdk/client-sfn/']));

  it('delivery-events loads the SQS client at the first permanent failure it sends again', () => lazily('delivery-events', ['@aws-sdk/client-sqs/']));

  it.each(['carrier-webhook', 'track-shipments'])('%s loads the SQS client at the first return or proactive case it sends to the intake', (handler) =>
    lazily(handler, ['@aws-sdk/client-sqs/']),
  );

  it('start-case loads the privacy store, the redactor and the export code with its first privacy request or duplicate close', () =>
    lazily('start-case', ['functions/adapters/privacy-store.ts', 'functions/adapters/case-redactor.ts', 'functions/use-cases/privacy/apply-privacy-request.ts']));

  it('start-case loads the SQS client at its first dispute acknowledgement; no function loads currency-codes', () => {
    lazily('start-case', ['@aws-sdk/client-sqs/']);
    const { atStart, onUse } = bundled('ingest-webhook');
    expect([...atStart, ...onUse].filter((input) => input.includes('currency-codes'))).toEqual([]);
  });
});
