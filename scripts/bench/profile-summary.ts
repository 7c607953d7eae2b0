/**
 * `npx tsx scripts/bench/profile-summary.ts <file.cpuprofile | dir> [--top N] [--focus <text>] [--after <s>]`: where a V8 CPU
 * profile's time went, grouped by package. For each profile (one per thread under `LOAD_CPU_PROF`, see load.ts):
 *  - busy time (every sample but "(idle)"), GC and "(program)";
 *  - by package, self time (the samples whose top frame is in it) and inclusive time (the samples with a frame of it
 *    anywhere on the stack, counted once per sample);
 *  - the top functions by self time and by inclusive time.
 * A package is `node_modules/<name>` (scoped names whole), a top folder of this repo (`functions/…`, `local/…` one
 * level deeper), `node:` internals, or V8's own pseudo-frames. `--focus <text>` keeps only the samples with a frame
 * whose package or function contains the text (e.g. `--focus getTable`), to break one part down; `--after <s>` skips
 * each profile's first seconds (the start: CDK synth, imports), so what is left is the run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a frame belongs to: what a reader would call the code's owner. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const repo = /\/(functions|local|lib|scripts|infra)\/([^/]+)\//.exec(url) ?? /\/(functions|local|lib|scripts|infra)\/([^/]+)$/.exec(url);
  if (repo) return repo[2]!.includes('.') ? `${repo[1]}/${repo[2]}` : `${repo[1]}/${repo[2]}/`;
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

export interface Summary {
  file: string;
  totalMs: number;
  busyMs: number;
  byPackage: { name: string; selfMs: number; inclusiveMs: number }[];
  topSelf: { name: string; ms: number }[];
  topInclusive: { name: string; ms: number }[];
}

export function summarize(file: string, profile: CpuProfile, top = 25, focus?: string, afterMs = 0): Summary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const frameName = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = /\/((?:functions|local|lib|scripts|infra)\/.*)$/.exec(url)?.[1] ?? packageOf(url, functionName);
    return `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const stackCache = new Map<number, { packages: string[]; frames: string[]; top: ProfileNode }>();
  const stackOf = (id: number) => {
    let cached = stackCache.get(id);
    if (cached) return cached;
    const packages = new Set<string>();
    const frames = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      packages.add(packageOf(node.callFrame.url, node.callFrame.functionName));
      frames.add(frameName(node));
    }
    cached = { packages: [...packages], frames: [...frames], top: byId.get(id)! };
    stackCache.set(id, cached);
    return cached;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const selfFrames = new Map<string, number>();
  const inclusiveFrames = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let totalMs = 0;
  let busyMs = 0;
  let elapsedMs = 0;
  profile.samples.forEach((id, i) => {
    elapsedMs += (profile.timeDeltas[i] ?? 0) / 1000;
    if (elapsedMs < afterMs) return;
    // timeDeltas[i] is the time before sample i; the time sample i stands for is the next delta.
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const stack = stackOf(id);
    totalMs += ms;
    if (stack.top.callFrame.functionName === '(idle)') return;
    if (focus && !stack.frames.some((frame) => frame.includes(focus))) return;
    busyMs += ms;
    add(self, packageOf(stack.top.callFrame.url, stack.top.callFrame.functionName), ms);
    add(selfFrames, frameName(stack.top), ms);
    for (const name of stack.packages) add(inclusive, name, ms);
    for (const name of stack.frames) add(inclusiveFrames, name, ms);
  });
  const sorted = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms: Math.round(ms) }));
  const packages = new Set([...self.keys(), ...inclusive.keys()]);
  return {
    file,
    totalMs: Math.round(totalMs),
    busyMs: Math.round(busyMs),
    byPackage: [...packages]
      .map((name) => ({ name, selfMs: Math.round(self.get(name) ?? 0), inclusiveMs: Math.round(inclusive.get(name) ?? 0) }))
      .sort((a, b) => b.selfMs - a.selfMs || b.inclusiveMs - a.inclusiveMs)
      .slice(0, top),
    topSelf: sorted(selfFrames),
    topInclusive: sorted(inclusiveFrames),
  };
}

function print(summary: Summary): void {
  const pct = (ms: number) => `${((100 * ms) / Math.max(summary.busyMs, 1)).toFixed(1)} %`.padStart(7);
  console.log(`\n## ${summary.file}: ${(summary.busyMs / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s`);
  console.log('package'.padEnd(44) + 'self'.padStart(16) + 'inclusive'.padStart(18));
  for (const row of summary.byPackage)
    console.log(`${row.name.padEnd(44)}${String(row.selfMs).padStart(8)} ms${pct(row.selfMs)}${String(row.inclusiveMs).padStart(9)} ms${pct(row.inclusiveMs)}`);
  console.log('\ntop functions, self:');
  for (const row of summary.topSelf) console.log(`${String(row.ms).padStart(8)} ms${pct(row.ms)}  ${row.name}`);
  console.log('\ntop functions, inclusive:');
  for (const row of summary.topInclusive) console.log(`${String(row.ms).padStart(8)} ms${pct(row.ms)}  ${row.name}`);
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const top = Number(option('--top') ?? 25);
  const focus = option('--focus');
  const afterMs = Number(option('--after') ?? 0) * 1000;
  if (args.length === 0) throw new Error('usage: profile-summary.ts <file.cpuprofile | dir> [--top N] [--focus text] [--after s]');
  const files = args.flatMap((arg) =>
    statSync(arg).isDirectory()
      ? readdirSync(arg)
          .filter((f) => f.endsWith('.cpuprofile'))
          .sort()
          .map((f) => join(arg, f))
      : [arg],
  );
  for (const file of files) print(summarize(basename(file), JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top, focus, afterMs));
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) main();
