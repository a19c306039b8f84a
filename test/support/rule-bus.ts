import { join } from 'node:path';
import type { EventBridgeEnvelope } from '../../events/event-contract';
import { platformRules, type RuleSpec } from '../../events/rules';
import { LocalBus } from '../../functions/local/bus/local-bus';
import { localLambdaContext } from '../../functions/local/lambda-context';

export const silentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * A local bus with one platform rule (from `events/rules.ts`) targeting `handler`, quick retries (3 attempts)
 * and its dead letters in `dir/dead-letters.jsonl`: how a fault test drives one function the way the bus does.
 */
export const busWithRule = (
  dir: string,
  handlerName: RuleSpec['handler'],
  handler: (event: EventBridgeEnvelope, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>,
): LocalBus => {
  const bus = new LocalBus({
    name: 'test',
    account: '000000000000',
    region: 'us-east-1',
    deadLetterFile: join(dir, 'dead-letters.jsonl'),
    maxAttempts: 3,
    retryBaseDelayMs: 1,
    logger: silentLogger,
  });
  const rule = platformRules().find((r) => r.handler === handlerName);
  if (!rule) throw new Error(`no platform rule targets ${handlerName}`);
  bus.addRule(rule.id, rule.pattern, (event) => handler(event, localLambdaContext(handlerName)));
  return bus;
};
