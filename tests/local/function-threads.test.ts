import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LocalConfigError } from '../../local/config-error.js';
import { defaultFunctionThreads, localConfig } from '../../local/config.js';

/** LOCAL_FUNCTION_THREADS: how many worker threads run the functions (local/lambda/pool.ts). */
describe('function threads', () => {
  it('default to one on a machine with 2 cores or fewer, two where there are more', () => {
    expect([1, 2, 3, 4, 16].map(defaultFunctionThreads)).toEqual([1, 1, 2, 2, 2]);
    expect(localConfig({}).functionThreads).toBe(defaultFunctionThreads(availableParallelism()));
  });

  it('follow LOCAL_FUNCTION_THREADS when set, 0 included, and refuse anything but a whole number', () => {
    expect(localConfig({ LOCAL_FUNCTION_THREADS: '2' }).functionThreads).toBe(2);
    expect(localConfig({ LOCAL_FUNCTION_THREADS: '0' }).functionThreads).toBe(0);
    expect(localConfig({ LOCAL_FUNCTION_THREADS: '' }).functionThreads).toBe(defaultFunctionThreads(availableParallelism()));
    expect(() => localConfig({ LOCAL_FUNCTION_THREADS: 'two' })).toThrow(LocalConfigError);
  });
});
