import type { Channel, Notification } from '../core/notifications/subscription';

/** How a failed delivery should be treated. */
export type DeliveryFailureKind =
  /** Timeout, 429, 5xx, network: retry with back-off. */
  | 'retryable'
  /** 4xx, invalid target, refused by the SSRF guard: retrying cannot help. */
  | 'permanent'
  /** 410 Gone: the receiver says the subscription is over; pause it and tell its owner. */
  | 'gone';

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly kind: DeliveryFailureKind,
    /** How long the target asked us to wait before trying again (its `Retry-After`). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface DeliveryContext {
  subscriptionId: string;
  /** The subscription's webhook signing secret (`whsec_…`), for channels that sign. */
  signingSecret?: string;
}

/** Delivers one notification to one channel. One adapter per channel kind behind this port. */
export interface ChannelSender {
  send(channel: Channel, notification: Notification, context: DeliveryContext): Promise<void>;
}
