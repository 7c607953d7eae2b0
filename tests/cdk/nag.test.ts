import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, readValidationReport, type ValidationReport } from './synth.js';

/**
 * cdk-nag v3 is a policy-validation plugin: findings surface when the app synthesizes. Unacknowledged findings make
 * `app.synth()` throw "Validation failed" and are listed in validation-report.json in the assembly directory;
 * acknowledged ones (lib/nag-acknowledgements.ts) are listed there as suppressed, with their reason.
 */
let report: ValidationReport | undefined;
let synthError: Error | undefined;
let outdir: string;

beforeAll(() => {
  // The built-in CloudFormation schema validation runs in stack.test.ts; here only the AwsSolutions rules.
  const built = buildApp({ builtinCloudFormationValidation: false });
  outdir = built.outdir;
  Validations.of(built.app).addPlugins(new AwsSolutionsChecks(built.app));
  try {
    built.app.synth();
  } catch (error) {
    synthError = error as Error;
  }
  report = readValidationReport(outdir);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag AwsSolutions', () => {
  it('ran and wrote its report', () => {
    expect(report, 'validation-report.json in the assembly directory').toBeDefined();
    expect(report!.pluginReports.map((r) => r.pluginName)).toContain('AwsSolutions');
  });

  const findings = () =>
    (report?.pluginReports ?? [])
      .filter((r) => r.pluginName === 'AwsSolutions')
      .flatMap((r) =>
        r.violations.flatMap((v) =>
          (v.violatingConstructs ?? [{ constructPath: '?' }]).map((c) => `${v.ruleName} (${v.severity ?? 'error'}) at ${c.constructPath}: ${v.description}`),
        ),
      );
  it('has no unacknowledged findings, and the synth succeeds', () => {
    expect(findings()).toEqual([]);
    expect(report!.pluginReports.find((r) => r.pluginName === 'AwsSolutions')!.conclusion).toBe('success');
    expect(synthError?.message).toBeUndefined();
  });

  it('every acknowledged finding carries a reason', () => {
    const suppressed = report!.pluginReports.flatMap((r) => r.suppressedViolations ?? []);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const finding of suppressed) expect(finding.reason?.trim().length ?? 0, finding.ruleName).toBeGreaterThan(20);
  });

  it('acknowledges only the rules the project has decided on (new kinds of findings need a decision)', () => {
    // Rule names carry the finding, e.g. AwsSolutions-IAM5[Resource::*]; the rule is the part before the bracket.
    const rules = new Set(report!.pluginReports.flatMap((r) => r.suppressedViolations ?? []).map((v) => v.ruleName.replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3']);
  });
});

describe('cdk-nag AwsSolutions, with an account and region (as `cdk synth` has them from the credentials)', () => {
  it('has no unacknowledged findings: acknowledgements name the ARNs as they are rendered there', () => {
    const built = buildApp({ builtinCloudFormationValidation: false, env: { account: '123456789012', region: 'eu-central-1' } });
    Validations.of(built.app).addPlugins(new AwsSolutionsChecks(built.app));
    try {
      expect(() => built.app.synth()).not.toThrow();
      const violations = (readValidationReport(built.outdir)?.pluginReports ?? []).flatMap((r) => r.violations.map((v) => v.ruleName));
      expect(violations).toEqual([]);
    } finally {
      rmSync(built.outdir, { recursive: true, force: true });
    }
  });
});
