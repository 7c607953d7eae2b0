/**
 * `npm run bench`: what the pipeline costs, measured rather than asserted.
 *  1. Lambda bundles: each handler bundled as the CDK stack bundles it (esbuild, ESM, minified), its size, and
 *     the time a fresh Node process takes to import it (the cold-start share our code controls).
 *  2. With `--pipeline [N]`: N lost-parcel cases through the local runtime — webhook latency (p50/p95) and the
 *     time from webhook to a closed case.
 *  3. With `--cost`: one case of each type through the local runtime, its AWS usage and price (scripts/bench/cost.ts).
 *  With `--json`, the figures are also printed as one JSON document at the end.
 * Numbers vary with the machine's load; compare runs on the same machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { parseKeyRing } from '../functions/domain/key-ring.js';

const handlersDir = join(import.meta.dirname, '..', 'functions', 'handlers');
const outDir = mkdtempSync(join(tmpdir(), 'aftersales-bench-'));
const dummyEnv = {
  TABLE_NAME: 't',
  INTAKE_QUEUE_URL: 'http://127.0.0.1:9/q',
  NOTICE_QUEUE_URL: 'http://127.0.0.1:9/q',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:x',
  CARRIER_API_URL: 'http://127.0.0.1:9/',
  ORDER_PLATFORM_API_URL: 'http://127.0.0.1:9/',
  NOTICE_FROM_EMAIL: 'a@example.com',
  PUBLIC_BASE_URL: 'http://127.0.0.1:9',
  EVIDENCE_UPLOAD_URL: 'https://shop.example.com/aftersales/{requestId}/evidence',
  REMEDY_CHOICE_URL: 'https://shop.example.com/aftersales/{requestId}/choose?remedy={choice}',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  POWERTOOLS_LOG_LEVEL: 'CRITICAL',
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function bundles(): Promise<void> {
  console.log('handler                 bundle KiB   gzip KiB   import ms (median of 5)');
  for (const file of readdirSync(handlersDir).filter((f) => f.endsWith('.ts')).sort()) {
    const name = basename(file, '.ts');
    const outfile = join(outDir, `${name}.mjs`);
    await build({
      entryPoints: [join(handlersDir, file)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      mainFields: ['module', 'main'],
      outfile,
      banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
      logLevel: 'error',
    });
    const size = statSync(outfile).size;
    const gzip = gzipSync(readFileSync(outfile)).length;
    const probe = join(outDir, `${name}.probe.mjs`);
    writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`);
    const times = Array.from({ length: 5 }, () => Number(execFileSync(process.execPath, [probe], { env: { ...process.env, ...dummyEnv } }).toString().trim()));
    console.log(`${name.padEnd(22)} ${(size / 1024).toFixed(0).padStart(10)} ${(gzip / 1024).toFixed(0).padStart(10)} ${median(times).toFixed(0).padStart(12)}`);
  }
}

async function pipeline(count: number): Promise<void> {
  const { startLocalPipeline } = await import('../local/pipeline.js');
  const { OrderPlatformClient, OpsClient } = await import('./webhook-client.js');
  const { requestedEvent } = await import('./example-cases.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-bench-data-'));
  const local = await startLocalPipeline({ port: 0, dataDir, logLevel: 'CRITICAL', timings: { CARRIER_RECHECK_SECONDS: '1', EVIDENCE_WAIT_SECONDS: '60', RETURN_WAIT_SECONDS: '60', SURVEY_DELAY_SECONDS: '0', SURVEY_EXPIRY_SECONDS: '1' } });
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

try {
  await bundles();
  const index = process.argv.indexOf('--pipeline');
  if (index >= 0) await pipeline(Number(process.argv[index + 1] ?? 20) || 20);
  const json: Record<string, unknown> = {};
  if (process.argv.includes('--cost')) {
    const { costBenchmark, printCostTable } = await import('./bench/cost.js');
    json.cost = await costBenchmark();
    printCostTable(json.cost as Awaited<ReturnType<typeof costBenchmark>>);
  }
  if (process.argv.includes('--json')) console.log(JSON.stringify(json, null, 2));
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
