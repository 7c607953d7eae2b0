import { describe, expect, it } from 'vitest';
import { claimStalenessProblem, STALE_CLAIM_MS } from '../../functions/adapters/notice-store.js';
import { resolveTopology } from '../../local/cfn/index.js';
import { LocalConfigError } from '../../local/config-error.js';
import { checkNoticeClaimTiming, localConfig } from '../../local/config.js';
import { synthesizeTemplate } from '../../local/synth.js';

/**
 * Issue 11: a `sending` notice claim that goes stale while a redelivered message can meet its sender still at work is
 * taken over and the notice sent twice. Locally the claim went stale after 5 s while the queue's visibility timeout
 * was 3 s and the notifier may run 20 s.
 */
describe('how long a notice claim holds', () => {
  it('must outlast the visibility timeout plus the sender’s timeout', () => {
    expect(claimStalenessProblem(24, { visibilityTimeoutSeconds: 3, senderTimeoutSeconds: 20 })).toBeUndefined();
    expect(claimStalenessProblem(23, { visibilityTimeoutSeconds: 3, senderTimeoutSeconds: 20 })).toMatch(/more than 23 s/);
    expect(claimStalenessProblem(5, { visibilityTimeoutSeconds: 3, senderTimeoutSeconds: 20 })).toMatch(/sent twice/);
    // AWS: 5 minutes against the stack's 180 s visibility and 20 s notifier (tests/cdk/stack.test.ts reads the template).
    expect(claimStalenessProblem(STALE_CLAIM_MS / 1000, { visibilityTimeoutSeconds: 180, senderTimeoutSeconds: 20 })).toBeUndefined();
  });

  describe('locally, against the synthesized stack’s notifier', () => {
    const template = synthesizeTemplate();
    const topology = resolveTopology(template, { region: 'us-east-1', accountId: '000000000000', sqsEndpoint: 'http://127.0.0.1:1', stackName: 'Aftersales' });

    it('the defaults are safe', () => {
      const config = localConfig({});
      expect(Number(config.timings.NOTICE_CLAIM_STALE_SECONDS)).toBeGreaterThan(config.visibilityTimeoutSeconds + 20);
      expect(() => checkNoticeClaimTiming(config, topology)).not.toThrow();
    });

    it('a start with a claim that goes stale too soon is refused, naming both settings', () => {
      for (const env of [{ NOTICE_CLAIM_STALE_SECONDS: '5' }, { LOCAL_VISIBILITY_TIMEOUT_SECONDS: '15' }]) {
        const check = () => checkNoticeClaimTiming(localConfig(env), topology);
        expect(check).toThrow(LocalConfigError);
        expect(check).toThrow(/NOTICE_CLAIM_STALE_SECONDS \/ LOCAL_VISIBILITY_TIMEOUT_SECONDS: .*notifier's timeout \(20 s\)/);
      }
    });
  });
});
