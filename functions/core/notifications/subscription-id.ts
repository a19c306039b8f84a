import { createHash } from 'node:crypto';
import type { Channel, SubscriptionTarget } from './subscription';

/** The id prefix of producer channels: synthetic subscriptions, made from the contract, never stored. */
export const PRODUCER_SUBSCRIPTION_PREFIX = 'producer:';

export const isProducerSubscription = (id: string): boolean => id.startsWith(PRODUCER_SUBSCRIPTION_PREFIX);

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 20 base32 characters: 100 bits of the digest, far beyond any number of subscriptions. */
const ID_LENGTH = 20;

/** Lowercase RFC 4648 base32 (no padding) of the first bytes of `bytes`, `length` characters long. */
const base32 = (bytes: Uint8Array, length: number): string => {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= length) break;
  }
  return out;
};

/** A URL in its canonical form (lowercase scheme and host, default port dropped); left as is if unparsable. */
const canonicalUrl = (url: string): string => {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
};

/** What identifies a channel: its kind and its target, normalised so that spelling variants are one channel. */
const channelKey = (channel: Channel): string => {
  switch (channel.kind) {
    case 'webhook':
    case 'slack':
    case 'teams':
      return canonicalUrl(channel.url);
    case 'email':
      return channel.address.trim().toLowerCase();
    case 'sqs':
      return channel.queueArn;
    case 'eventbridge':
      return channel.busArn;
  }
};

/**
 * The id of a subscription, derived from what it is (consumer, target, channel) and nothing else: the same
 * subscription made twice (by the API, the CLI or the data repo) is the same record. Consumers and email
 * addresses compare case-insensitively; URLs in their canonical form. `sub_` + 20 base32 characters of SHA-256.
 */
export const subscriptionId = (consumer: string, target: SubscriptionTarget, channel: Channel): string => {
  const targetKey = 'productId' in target ? ['product', target.productId] : ['domain', target.domain];
  const canonical = JSON.stringify([
    'subscription/v1',
    consumer.trim().toLowerCase(),
    ...targetKey,
    channel.kind,
    channelKey(channel),
  ]);
  return `sub_${base32(createHash('sha256').update(canonical).digest(), ID_LENGTH)}`;
};
