/**
 * `npm run bench`: what the pipeline costs, measured rather than asserted.
 *  1. Lambda bundles (scripts/bench/bundles.ts): each handler bundled as the CDK stack bundles it, its size, its
 *     largest packages and its import time in a fresh Node process, as ratios to a bare DynamoDB handler (the floor).
 *  2. With `--pipeline [N]`: N lost-parcel cases through the local runtime — webhook latency (p50/p95) and the
 *     time from webhook to a closed case.
 *  3. With `--load`: the local intake under load (scripts/bench/load.ts).
 *  4. With `--cost`: one case of each type through the local runtime, its AWS usage and price (scripts/bench/cost.ts);
 *     `--cost-common` runs only the common cases, `--cost-trace <file>` writes every metered DynamoDB write and read as a JSON line.
 * `--json` prints the figures as one JSON document instead of tables (`bundles`, `load`, `cost`); `--skip-bundles` skips 1.
 * Numbers vary with the machine's load; compare runs on the same machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKeyRing } from '../functions/domain/key-ring.js';
import { measureBundles, printBundles } from './bench/bundles.js';
import { FUNCTION_ENV } from './bench/function-env.js';
import { loadBenchmark, loadOptionsFrom, printLoad } from './bench/load.js';

const outDir = mkdtempSync(join(tmpdir(), 'aftersales-bench-'));

async function pipeline(count: number): Promise<void> {
  const { startLocalPipeline } = await import('../local/pipeline.js');
  const { OrderPlatformClient, OpsClient } = await import('./webhook-client.js');
  const { requestedEvent } = await import('./example-cases.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-bench-data-'));
  const local = await startLocalPipeline({
    port: 0,
    dataDir,
    logLevel: 'CRITICAL',
    timings: { CARRIER_RECHECK_SECONDS: '1', EVIDENCE_WAIT_SECONDS: '60', RETURN_WAIT_SECONDS: '60', SURVEY_DELAY_SECONDS: '0', SURVEY_EXPIRY_SECONDS: '1' },
  });
  try {
    const platform = new OrderPlatformClient(local.urls.api, parseKeyRing(local.config.webhookSecret).current);
    const ops = new OpsClient(local.urls.api, local.config.opsToken);
    const latencies: number[] = [];
    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const t = performance.now();
        const res = await platform.send(requestedEvent({ caseType: 'lost', trackingNumber: `SIM-LOST-BENCH${i}` }));
        latencies.push(performance.now() - t);
        return String(res.body.caseId);
      }),
    );
    await Promise.all(ids.map((id) => ops.waitFor(id, (v) => v.status === 'closed', 300_000)));
    const sorted = latencies.sort((a, b) => a - b);
    console.log(`\n${count} lost cases through the local runtime`);
    console.log(`  webhook latency p50 ${sorted[Math.floor(count * 0.5)]!.toFixed(0)} ms, p95 ${sorted[Math.floor(count * 0.95)]!.toFixed(0)} ms`);
    console.log(`  all closed after ${((Date.now() - started) / 1000).toFixed(1)} s (includes the 1 s survey expiry each case waits)`);
  } finally {
    await local.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const asJson = process.argv.includes('--json');
const loadOptions = loadOptionsFrom(process.argv);
try {
  const bundles = process.argv.includes('--skip-bundles') ? undefined : await measureBundles(outDir, FUNCTION_ENV);
  if (bundles && !asJson) printBundles(bundles);
  const index = process.argv.indexOf('--pipeline');
  if (index >= 0) await pipeline(Number(process.argv[index + 1] ?? 20) || 20);
  const load = loadOptions && (await loadBenchmark(loadOptions));
  if (load && !asJson) printLoad(load);
  let cost: unknown;
  if (process.argv.includes('--cost')) {
    const { costBenchmark, printCostTable } = await import('./bench/cost.js');
    const traceAt = process.argv.indexOf('--cost-trace');
    const measured = await costBenchmark({ commonOnly: process.argv.includes('--cost-common'), ...(traceAt >= 0 ? { traceFile: process.argv[traceAt + 1] } : {}) });
    if (!asJson) printCostTable(measured);
    cost = measured;
  }
  if (asJson) console.log(JSON.stringify({ ...(bundles ? { bundles } : {}), ...(load ? { load } : {}), ...(cost ? { cost } : {}) }, null, 2));
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
