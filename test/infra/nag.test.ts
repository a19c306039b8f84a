import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app';
import { flattenCfnReference } from '../../lib/nag';
import { SKIP_BUNDLING, type SynthesizedApp, synthApp } from './synth-app';

const MIN_REASON_LENGTH = 20;

interface NagMetadata {
  Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
}

interface ValidationReport {
  pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[];
}

describe('cdk-nag AwsSolutions', () => {
  let built: SynthesizedApp;
  beforeAll(() => {
    built = synthApp({ stage: 'test' });
  });

  const stacks = () => [built.stateful, built.processing];

  it('reports no violation, error or warning, in either stack', () => {
    // The app's plugin wrote this report during synthesis (and would have thrown on errors).
    const report = JSON.parse(
      readFileSync(join(built.assembly.directory, VALIDATION_REPORT_FILE), 'utf8'),
    ) as ValidationReport;
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    // Same check, independently of CDK's report: run the pack over the synthesized tree.
    const direct = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(built.app);
    expect(direct.violations).toEqual([]);
  });

  it('leaves no error or warning annotation on either stack', () => {
    for (const stack of stacks()) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findError('*', Match.anyValue())).toEqual([]);
      expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  it('fails synthesis when a resource breaks a rule (the plugin is wired)', () => {
    const { app, processing } = buildApp({ stage: 'test', context: SKIP_BUNDLING });
    new Queue(processing, 'QueueWithoutTlsPolicy');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  describe('suppressions', () => {
    /** Every acknowledgement in the synthesized app: the construct it is on, the rule id, the reason. */
    const acknowledgements = () =>
      built.app.node.findAll().flatMap((construct) =>
        construct.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, string>))
          .map(([id, reason]) => ({ construct, id, reason })),
      );

    it('all have a real reason', () => {
      const acks = acknowledgements();
      expect(acks.length).toBeGreaterThan(0);
      for (const { construct, id, reason } of acks) {
        expect(reason.trim().length, `${construct.node.path}: ${id}`).toBeGreaterThanOrEqual(
          MIN_REASON_LENGTH,
        );
      }
    });

    it('are written to the templates (cdk_nag metadata), every one of them, each with a real reason', () => {
      const written = stacks().flatMap((stack) =>
        Object.values(templateOf(stack).Resources as Record<string, NagMetadata>).flatMap(
          (resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? [],
        ),
      );
      expect(written.length).toBeGreaterThan(0);
      for (const rule of written) {
        expect(rule.id).toMatch(/^AwsSolutions-/);
        expect(rule.reason.trim().length, rule.id).toBeGreaterThanOrEqual(MIN_REASON_LENGTH);
      }
      // Including the acknowledgements recorded late (cross-stack IAM resources).
      const writtenIds = new Set(written.map((rule) => rule.id));
      for (const { id } of acknowledgements())
        expect(writtenIds, id).toContain(id.replace(/^Annotation::/, ''));
    });

    it('are per resource: none on an app or a stack', () => {
      for (const { construct, id } of acknowledgements()) {
        expect(construct instanceof App || Stack.isStack(construct), `${construct.node.path}: ${id}`).toBe(
          false,
        );
      }
    });

    it('only acknowledge specific findings of IAM5 (no blanket wildcard acknowledgement)', () => {
      for (const { id } of acknowledgements().filter((a) => a.id.includes('IAM5'))) {
        expect(id).toMatch(/IAM5\[(Action|Resource)::.+\]$/);
      }
    });
  });

  const templateOf = (stack: Stack) => built.assembly.getStackArtifact(stack.artifactId).template;
});

describe('flattenCfnReference', () => {
  it('renders references the way cdk-nag names IAM findings', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Fn::Sub string, not a template literal
    expect(flattenCfnReference('arn:${AWS::Partition}:s3:::b/*')).toBe('arn:<AWS::Partition>:s3:::b/*');
    expect(flattenCfnReference({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] })).toBe(
      '<Bucket.Arn>/*',
    );
    expect(flattenCfnReference({ 'Fn::ImportValue': 'Stack:Export' })).toBe('Stack:Export');
    expect(flattenCfnReference({ Ref: 'Table' })).toBe('<Table>');
    expect(flattenCfnReference({ 'Fn::GetStackOutput': { StackName: 'S', OutputName: 'O' } })).toBe(
      '{"Fn::GetStackOutput":{"StackName":"S","OutputName":"O"}}',
    );
  });
});
