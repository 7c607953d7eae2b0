/**
 * What a cold start builds (docs/performance.md, "Import time at cold start (session 11, December 5)"): ICU objects
 * that only some events need are made on first use, not at import; the checks that must stop a function at start
 * still do, at import, in the functions whose imports changed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FUNCTION_ENV } from '../../scripts/bench/function-env.js';

/** The handler modules whose cold start changed: each imported fresh, as a Lambda cold start imports it. */
const HANDLERS = {
  notifier: () => import('../../functions/handlers/notifier.js'),
  console: () => import('../../functions/handlers/console.js'),
  'status-page': () => import('../../functions/handlers/status-page.js'),
  'survey-api': () => import('../../functions/handlers/survey-api.js'),
} as const;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function coldStart(name: keyof typeof HANDLERS, env: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries({ ...FUNCTION_ENV, ...env })) vi.stubEnv(key, value);
  vi.resetModules();
  return HANDLERS[name]();
}

describe('ICU objects are made when first needed, not at import', () => {
  it('the grapheme segmenter: with the first note that is cut, once', async () => {
    const Segmenter = Intl.Segmenter;
    let made = 0;
    const intl = Intl as { Segmenter: typeof Intl.Segmenter };
    intl.Segmenter = class extends Segmenter {
      constructor(...args: ConstructorParameters<typeof Intl.Segmenter>) {
        super(...args);
        made += 1;
      }
    };
    try {
      vi.resetModules();
      const { clipNote } = await import('../../functions/domain/notices/operator-note.js');
      expect(made).toBe(0);
      expect(clipNote('short')).toBe('short');
      expect(made).toBe(0);
      expect(clipNote('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
      expect(clipNote('y'.repeat(20), 10)).toBe(`${'y'.repeat(9)}…`);
      expect(made).toBe(1);
    } finally {
      intl.Segmenter = Segmenter;
    }
  });

  it("ICU's currency list: with the first notice whose amount is checked, once", async () => {
    const listed = vi.spyOn(Intl, 'supportedValuesOf');
    vi.resetModules();
    const { checkNoticeData } = await import('../../functions/domain/notices.js');
    const { noticeSamples } = await import('../../functions/domain/notices/samples.js');
    expect(listed).not.toHaveBeenCalled();
    checkNoticeData(noticeSamples('en').refund_issued);
    expect(() => checkNoticeData({ ...noticeSamples('en').refund_issued, currency: 'RMB' })).toThrow('refund_issued notice has an invalid currency');
    expect(listed).toHaveBeenCalledTimes(1);
  });
});

describe.each(Object.keys(HANDLERS) as Array<keyof typeof HANDLERS>)('%s still refuses to start', (name) => {
  it('builds its handler at import with a valid environment', async () => {
    await expect(coldStart(name, {})).resolves.toHaveProperty('handler');
  });

  it('with a default market that has no policy', async () => {
    await expect(coldStart(name, { POLICY_MARKET: 'ZZ' })).rejects.toThrow(/no after-sales policy for the default market ZZ/);
  });

  it('without a required variable', async () => {
    await expect(coldStart(name, { TABLE_NAME: undefined })).rejects.toThrow(/TABLE_NAME/);
  });
});
