import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_LIMIT, QUEUE_CONSUMER_CONCURRENCY, ROUTE_LIMITS } from '../../lib/route-limits.js';
import { buildApp } from './synth.js';

type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

/** Issue 16, limits per route: the stage's route settings and the queue consumers' concurrency, from lib/route-limits.ts. */
let resources: Record<string, Resource>;
let outdir: string;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  const built = buildApp({ builtinCloudFormationValidation: false });
  outdir = built.outdir;
  resources = built.app.synth().getStackByName(built.stack.stackName).template.Resources as Record<string, Resource>;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('HTTP API limits per route', () => {
  it("every route has its group's rate and burst in the stage route settings, and the default covers the rest", () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    const expected = Object.fromEntries(
      Object.values(ROUTE_LIMITS).flatMap((group) => group.routes.map((key) => [key, { ThrottlingRateLimit: group.rateLimit, ThrottlingBurstLimit: group.burstLimit }])),
    );
    expect(stage.Properties.RouteSettings).toEqual(expected);
    const routeKeys = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey)
      .sort();
    expect(Object.keys(stage.Properties.RouteSettings).sort()).toEqual(routeKeys);
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: DEFAULT_ROUTE_LIMIT.rateLimit, ThrottlingBurstLimit: DEFAULT_ROUTE_LIMIT.burstLimit });
  });

  it('the groups are separate: the public customer routes have less than the order platform, which no other group shares', () => {
    expect(ROUTE_LIMITS.customerPages.rateLimit).toBeLessThan(ROUTE_LIMITS.orderPlatformWebhooks.rateLimit);
    expect(ROUTE_LIMITS.customerPages.burstLimit).toBeLessThan(ROUTE_LIMITS.orderPlatformWebhooks.burstLimit);
    const keys = Object.values(ROUTE_LIMITS).flatMap((group) => group.routes);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('the stage is created after the routes its settings name (CloudFormation refuses settings for a missing route)', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    for (const [id] of ofType('AWS::ApiGatewayV2::Route')) expect(stage.DependsOn, id).toContain(id);
  });
});

describe('queue consumers', () => {
  it('have a maximum concurrency: the intake consumer and the notifier', () => {
    const byQueue = Object.fromEntries(
      ofType('AWS::Lambda::EventSourceMapping').map(([, m]) => [String(m.Properties.EventSourceArn['Fn::GetAtt'][0]).replace(/[0-9A-F]{8}$/, ''), m.Properties.ScalingConfig]),
    );
    expect(byQueue).toEqual({
      IntakeQueue: { MaximumConcurrency: QUEUE_CONSUMER_CONCURRENCY.intake },
      NoticesQueue: { MaximumConcurrency: QUEUE_CONSUMER_CONCURRENCY.notices },
    });
  });
});
