/**
 * Lambda bundles, measured against a floor (`npm run bench`, issue 13): each handler is bundled as the stack bundles
 * it (lib/constructs/project-function.ts), and so is a bare handler that only makes a DynamoDB document client
 * (scripts/bench/floor-handler.ts). For each: minified and gzip size, the packages its bytes come from (esbuild's
 * metafile), and the time a fresh Node process takes to import it — median of several runs, the functions and the
 * floor interleaved in the same rounds so the machine's load falls on all alike. Ratios are to the floor.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { bundleFunction, ENTRY_FILE, loadedAtStart } from '../../lib/constructs/bundling.js';

export const FLOOR = '(floor)';

export interface BundleFigures {
  name: string;
  /** What a cold start loads: index.mjs and the chunks it imports statically, minified (the size ratio's basis). */
  bytes: number;
  gzipBytes: number;
  /** Everything deployed (index.mjs and every chunk, source maps apart): `bytes` plus what loads only on use. */
  deployedBytes: number;
  /**
   * The most one `import()` adds to `bytes` (the chunk and what it imports that is not loaded yet): what the first
   * request or event that takes that path loads on top of the cold start (a route group, a notice copy, a client).
   */
  largestOnUseBytes: number;
  importMs: number;
  /** The fastest of the runs: less moved by the machine's load than the median, when other work shares the cores. */
  importMinMs: number;
  sizeRatio: number;
  importRatio: number;
  /** Bytes a cold start loads, by package (`(own)` for the project's code), the 10 largest. */
  packages: Array<{ name: string; bytes: number }>;
}

export interface BundleReport {
  floor: BundleFigures;
  functions: BundleFigures[];
  summary: { medianSizeRatio: number; maxSizeRatio: number; medianImportRatio: number; maxImportRatio: number; medianImportMinRatio: number; runs: number };
}

const root = join(import.meta.dirname, '..', '..');
const handlersDir = join(root, 'functions', 'handlers');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The package a bundled input file belongs to: `@scope/name` or `name` after the last node_modules, else our own code. */
export function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(own)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

export function bytesByPackage(outputs: Metafile['outputs'][string][]): Array<{ name: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) totals.set(packageOf(input), (totals.get(packageOf(input)) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

function bundle(entry: string, outDir: string) {
  const metafile = bundleFunction(entry, outDir, { metafile: true })!;
  const files = Object.keys(metafile.outputs).filter((file) => file.endsWith('.mjs'));
  const index = files.find((file) => basename(file) === ENTRY_FILE)!;
  const loaded = loadedAtStart(metafile, index);
  const code = Buffer.concat(loaded.map((file) => readFileSync(file)));
  const onUse = loaded.flatMap((file) => metafile.outputs[file]!.imports.filter((imported) => imported.kind === 'dynamic-import' && metafile.outputs[imported.path]));
  const added = (chunk: string) =>
    loadedAtStart(metafile, chunk)
      .filter((file) => !loaded.includes(file))
      .reduce((sum, file) => sum + metafile.outputs[file]!.bytes, 0);
  return {
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    deployedBytes: files.reduce((sum, file) => sum + metafile.outputs[file]!.bytes, 0),
    largestOnUseBytes: Math.max(0, ...onUse.map((imported) => added(imported.path))),
    packages: bytesByPackage(loaded.map((file) => metafile.outputs[file]!)).slice(0, 10),
  };
}

function importMs(probe: string, env: NodeJS.ProcessEnv): number {
  try {
    return Number(
      execFileSync(process.execPath, [probe], { env, stdio: ['ignore', 'pipe', 'pipe'] })
        .toString()
        .trim(),
    );
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`${basename(probe)} failed to import: ${stderr.split('\n').find((line) => /^\w*Error\b/.test(line)) ?? stderr.slice(0, 500)}`);
  }
}

export async function measureBundles(outDir: string, env: Record<string, string>, runs = 9): Promise<BundleReport> {
  const entries = [
    { name: FLOOR, entry: join(import.meta.dirname, 'floor-handler.ts') },
    ...readdirSync(handlersDir)
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => ({ name: basename(f, '.ts'), entry: join(handlersDir, f) })),
  ];
  const built = [];
  for (const { name, entry } of entries) {
    const dir = join(outDir, name === FLOOR ? 'floor' : name);
    const probe = `${dir}.probe.mjs`;
    const figures = bundle(entry, dir);
    writeFileSync(probe, `const t = performance.now(); await import(${JSON.stringify(join(dir, ENTRY_FILE))}); console.log(performance.now() - t);`);
    built.push({ name, probe, ...figures });
  }
  const processEnv = { ...process.env, ...env };
  const times = built.map(() => [] as number[]);
  // Rounds, not one function after another: a burst of load on the machine then slows every bundle in that round.
  for (let round = 0; round < runs; round++) built.forEach((b, i) => times[i]!.push(importMs(b.probe, processEnv)));
  const [floor, ...functions] = built.map((b, i) => ({
    name: b.name,
    bytes: b.bytes,
    gzipBytes: b.gzipBytes,
    deployedBytes: b.deployedBytes,
    largestOnUseBytes: b.largestOnUseBytes,
    importMs: median(times[i]!),
    importMinMs: Math.min(...times[i]!),
    packages: b.packages,
  }));
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  const withRatios = (b: typeof floor) => ({
    ...b!,
    importMs: round(b!.importMs, 1),
    importMinMs: round(b!.importMinMs, 1),
    sizeRatio: round(b!.bytes / floor!.bytes, 3),
    importRatio: round(b!.importMs / floor!.importMs, 3),
  });
  const rows = functions.map(withRatios);
  return {
    floor: withRatios(floor),
    functions: rows,
    summary: {
      medianSizeRatio: round(median(rows.map((r) => r.sizeRatio)), 3),
      maxSizeRatio: Math.max(...rows.map((r) => r.sizeRatio)),
      medianImportRatio: round(median(rows.map((r) => r.importRatio)), 3),
      maxImportRatio: Math.max(...rows.map((r) => r.importRatio)),
      medianImportMinRatio: round(median(rows.map((r) => r.importMinMs / floor!.importMinMs)), 3),
      runs,
    },
  };
}

const kib = (bytes: number) => (bytes / 1024).toFixed(0);

/** The table `npm run bench` prints: one line per function, its ratios to the floor, and its five largest packages. */
export function printBundles(report: BundleReport): void {
  console.log(`Lambda bundles (import: median of ${report.summary.runs} fresh Node processes; ratios to the floor, a bare DynamoDB document client handler)`);
  console.log('KiB: what a cold start loads (index.mjs and the chunks it imports statically); deployed: with the chunks loaded on use;');
  console.log('+use: the most one import() adds on the first request or event that needs it (a route group, a notice copy, a client)');
  console.log(
    `${'function'.padEnd(26)} ${'KiB'.padStart(5)} ${'gzip'.padStart(5)} ${'deployed'.padStart(8)} ${'+use'.padStart(5)} ${'× size'.padStart(7)} ${'import ms'.padStart(9)} ${'× import'.padStart(8)}  largest packages loaded (KiB)`,
  );
  for (const row of [report.floor, ...report.functions]) {
    const top = row.packages
      .slice(0, 5)
      .map((p) => `${p.name} ${kib(p.bytes)}`)
      .join(', ');
    console.log(
      `${row.name.padEnd(26)} ${kib(row.bytes).padStart(5)} ${kib(row.gzipBytes).padStart(5)} ${kib(row.deployedBytes).padStart(8)} ${kib(row.largestOnUseBytes).padStart(5)} ${row.sizeRatio.toFixed(2).padStart(7)} ${row.importMs.toFixed(0).padStart(9)} ${row.importRatio.toFixed(2).padStart(8)}  ${top}`,
    );
  }
  const s = report.summary;
  console.log(
    `size × floor: median ${s.medianSizeRatio.toFixed(2)} (target ≤ 1.15), max ${s.maxSizeRatio.toFixed(2)} (≤ 1.4); import × floor: median ${s.medianImportRatio.toFixed(2)}, max ${s.maxImportRatio.toFixed(2)} (≤ 1.2); fastest runs: median ${s.medianImportMinRatio.toFixed(2)}`,
  );
}
