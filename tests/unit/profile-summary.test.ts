import { describe, expect, it } from 'vitest';
import { packageOf, summarize } from '../../scripts/bench/profile-summary.js';

/** scripts/bench/profile-summary.ts: a .cpuprofile's busy time by package, self and inclusive. */
describe('profile summary', () => {
  it('names the owner of a frame: a package (scoped whole), a folder of this repo, Node, or V8', () => {
    expect(packageOf('file:///r/node_modules/@smithy/core/dist-cjs/index.js', 'send')).toBe('@smithy/core');
    expect(packageOf('file:///r/node_modules/a/node_modules/dynalite/db/index.js', 'getTable')).toBe('dynalite');
    expect(packageOf('file:///r/local/simulators/carrier.ts', 'tick')).toBe('local/simulators/');
    expect(packageOf('file:///r/local/pipeline.ts', 'start')).toBe('local/pipeline.ts');
    expect(packageOf('node:internal/streams/writable', 'write')).toBe('node:internal');
    expect(packageOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(packageOf('', 'writev')).toBe('(native)');
  });

  it('counts each sample once as self time of its top frame and once per package on its stack, idle left out', () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 5]),
        frame(2, 'handle', 'file:///r/functions/handlers/a.ts', [3]),
        frame(3, 'send', 'file:///r/node_modules/@smithy/core/index.js', [4]),
        frame(4, 'sign', 'file:///r/node_modules/@smithy/core/index.js'),
        frame(5, '(idle)', ''),
      ],
      // time before each sample, µs: the time a sample stands for is the next delta
      samples: [4, 4, 3, 2, 5],
      timeDeltas: [0, 1000, 1000, 1000, 1000],
    };
    const summary = summarize('a', profile);
    expect(summary.busyMs).toBe(4);
    expect(summary.byPackage.find((p) => p.name === '@smithy/core')).toEqual({ name: '@smithy/core', selfMs: 3, inclusiveMs: 3 });
    expect(summary.byPackage.find((p) => p.name === 'functions/handlers/')).toEqual({ name: 'functions/handlers/', selfMs: 1, inclusiveMs: 4 });
    expect(summary.topSelf[0]).toEqual({ name: 'sign @smithy/core:1', ms: 2 });
  });
});
