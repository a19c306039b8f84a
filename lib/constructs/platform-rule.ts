import { Duration } from 'aws-cdk-lib';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { platformRules, type RuleSpec } from '../../events/rules';
import type { HouseFunction } from './house-function';
import { toCdkEventPattern } from './publishing';

/**
 * Deploys the platform rule (from `events/rules.ts`) that targets `fn`'s handler, and makes both hops end in
 * `deadLetterQueue`: EventBridge retries delivery 8 times over 2 hours, then Lambda retries a failing handler
 * twice and sends the event to the same queue — nothing is dropped silently.
 */
export const platformRuleFor = (
  scope: Construct,
  handler: RuleSpec['handler'],
  bus: IEventBus,
  fn: HouseFunction,
  deadLetterQueue: Queue,
): Rule => {
  const spec = platformRules().find((rule) => rule.handler === handler);
  if (!spec) throw new Error(`events/rules.ts has no rule for ${handler}`);
  fn.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: new SqsDestination(deadLetterQueue),
  });
  return new Rule(scope, spec.id, {
    eventBus: bus,
    description: spec.description,
    eventPattern: toCdkEventPattern(spec.pattern),
    targets: [new LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(2), deadLetterQueue })],
  });
};
