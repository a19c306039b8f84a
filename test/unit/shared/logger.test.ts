import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { JsonLogger } from '../../../functions/shared/logger';

const context = (name: string, id: string) => ({ functionName: name, awsRequestId: id }) as Context;

describe('JsonLogger', () => {
  const make = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new JsonLogger(
      'mesh',
      () => 'INFO',
      (line) => lines.push(JSON.parse(line)),
    );
    return { logger, lines };
  };

  it('keeps one invocation’s context and keys until the next starts, as Lambda runs them', () => {
    const { logger, lines } = make();
    logger.startInvocation(context('notify-deliver', 'r1'));
    logger.appendKeys({ productId: 'orders' });
    logger.info('first');
    logger.startInvocation(context('notify-deliver', 'r2'));
    logger.info('second');

    expect(lines[0]).toMatchObject({
      message: 'first',
      function_request_id: 'r1',
      productId: 'orders',
      cold_start: true,
    });
    expect(lines[1]).toMatchObject({ message: 'second', function_request_id: 'r2', cold_start: false });
    expect(lines[1]).not.toHaveProperty('productId');
  });

  it('gives invocations run side by side (the local platform) their own fields, and the platform’s lines none', async () => {
    const { logger, lines } = make();
    let release: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = 0;
    const invocation = (name: string, productId: string) =>
      logger.isolate(async () => {
        logger.startInvocation(context(name, `${name}-1`));
        logger.appendKeys({ productId });
        if (++started === 2) release();
        await bothStarted;
        logger.info(`${name} done`);
      });

    await Promise.all([invocation('notify-fan-out', 'orders'), invocation('catalog-sync', 'returns')]);
    logger.info('platform line');

    const byMessage = Object.fromEntries(lines.map((line) => [line.message, line]));
    expect(byMessage['notify-fan-out done']).toMatchObject({
      function_name: 'notify-fan-out',
      productId: 'orders',
    });
    expect(byMessage['catalog-sync done']).toMatchObject({
      function_name: 'catalog-sync',
      productId: 'returns',
    });
    expect(byMessage['platform line']).not.toHaveProperty('function_name');
    expect(byMessage['platform line']).not.toHaveProperty('productId');
  });
});
