import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { HouseFunction, type HouseFunctionProps } from '../../lib/constructs/house-function';
import { SKIP_BUNDLING } from './synth-app';

const setup = (props: Partial<HouseFunctionProps> = {}) => {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');
  const fn = new HouseFunction(stack, 'Fn', { handler: 'data-uploaded', ...props });
  return { stack, fn };
};

const variables = (template: Template) =>
  (
    Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: object } };
    }
  ).Properties.Environment.Variables;

describe('Class: HouseFunction', () => {
  it('bundles functions/handlers/<name>.ts and runs its `handler` export', () => {
    const { fn } = setup();
    expect(fn.runtime.name).toBe('nodejs22.x');
    Template.fromStack(fn.stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 60,
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('fails fast on a handler module that does not exist', () => {
    expect(() => setup({ handler: 'no-such-handler' })).toThrow(/no-such-handler\.ts/);
  });

  it('sets source maps and logging defaults, and lets each be overridden', () => {
    expect(variables(Template.fromStack(setup().stack))).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      SERVICE_NAME: 'data-uploaded',
      LOG_LEVEL: 'INFO',
    });
    const custom = setup({
      serviceName: 'publishing',
      logLevel: 'DEBUG',
      memorySize: 2048,
      timeout: Duration.seconds(10),
      environment: { EXTRA: '1' },
    });
    const template = Template.fromStack(custom.stack);
    expect(variables(template)).toMatchObject({
      SERVICE_NAME: 'publishing',
      LOG_LEVEL: 'DEBUG',
      EXTRA: '1',
    });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Timeout: 10 });
  });

  it('logs to an explicit log group with retention, removed with the stack', () => {
    const template = Template.fromStack(setup().stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
    });
    const custom = Template.fromStack(setup({ logRetention: RetentionDays.ONE_WEEK }).stack);
    custom.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  describe('Method: bindTable', () => {
    const withTable = (access: 'RO' | 'RW') => {
      const { stack, fn } = setup();
      const table = new Table(stack, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
      fn.bindTable(table, access, 'TABLE_NAME');
      return {
        template: Template.fromStack(stack),
        table: stack.getLogicalId(table.node.defaultChild as never),
      };
    };
    const actions = (template: Template) =>
      JSON.stringify(Object.values(template.findResources('AWS::IAM::Policy'))[0]);

    it('grants read-only access and sets the env var', () => {
      const { template, table } = withTable('RO');
      expect(variables(template)).toMatchObject({ TABLE_NAME: { Ref: table } });
      expect(actions(template)).toContain('dynamodb:Query');
      expect(actions(template)).not.toContain('dynamodb:PutItem');
    });

    it('grants read-write access and sets the env var', () => {
      const { template, table } = withTable('RW');
      expect(variables(template)).toMatchObject({ TABLE_NAME: { Ref: table } });
      expect(actions(template)).toContain('dynamodb:PutItem');
    });
  });

  describe('Method: bindBus', () => {
    it('grants PutEvents on the bus and sets the env var', () => {
      const { stack, fn } = setup();
      const bus = new EventBus(stack, 'Bus');
      fn.bindBus(bus, 'EVENT_BUS_NAME');
      const template = Template.fromStack(stack);
      const busId = stack.getLogicalId(bus.node.defaultChild as never);
      expect(variables(template)).toMatchObject({ EVENT_BUS_NAME: { Ref: busId } });
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            { Effect: 'Allow', Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } },
          ]),
        },
      });
    });
  });
});
