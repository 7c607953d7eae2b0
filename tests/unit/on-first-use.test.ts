import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../../functions/wiring/on-first-use.js';

describe('onFirstUse (wiring/on-first-use.ts: the lazy clients, queues, workflow, ops route groups and privacy side)', () => {
  it('builds on the first call only, and every call shares what it built', async () => {
    let builds = 0;
    const value = onFirstUse(async () => ({ built: ++builds }));
    expect(builds).toBe(0);
    const [a, b] = await Promise.all([value(), value()]);
    expect(await value()).toBe(a);
    expect(b).toBe(a);
    expect(builds).toBe(1);
  });

  it('does not keep a failed build: the next call builds again, then keeps that', async () => {
    let builds = 0;
    const value = onFirstUse(async () => {
      builds += 1;
      if (builds === 1) throw new Error('chunk failed to load');
      return { built: builds };
    });
    await expect(value()).rejects.toThrow('chunk failed to load');
    const second = await value();
    expect(second).toEqual({ built: 2 });
    expect(await value()).toBe(second);
    expect(builds).toBe(2);
  });
});
