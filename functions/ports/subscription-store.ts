import type { NotificationType, Subscription } from '../core/notifications/subscription';

export type DeliveryStatus = 'in-progress' | 'delivered' | 'failed';

/** One line of the delivery ledger: one notification to one subscription. */
export interface DeliveryRecord {
  subscriptionId: string;
  notificationId: string;
  productId: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  updatedAt: string;
}

/** A delivery claimed by this attempt, with what the ledger already knew of it. */
export type ClaimedDelivery = Pick<
  DeliveryRecord,
  'subscriptionId' | 'notificationId' | 'productId' | 'type' | 'attempts' | 'lastError'
>;

export type DeliveryClaim =
  | { status: 'claimed'; attempts: number; lastError?: string }
  | { status: 'delivered' }
  | { status: 'in-progress' };

export interface SubscriptionWithSecret {
  subscription: Subscription;
  signingSecret?: string;
}

/** Subscriptions and the delivery ledger (DynamoDB on AWS and locally). */
export interface SubscriptionStore {
  /** Creates it unless a subscription with the same id exists; returns the stored one either way. */
  create(subscription: Subscription): Promise<{ created: boolean; subscription: Subscription }>;
  get(id: string): Promise<Subscription | undefined>;
  /** Every subscription, or those of one consumer. */
  list(consumer?: string): Promise<Subscription[]>;
  /**
   * The active subscriptions that target this product by id, or its domain; with `listing`, only those whose
   * event types include one of these (a narrowing for efficiency: the caller still matches each one).
   */
  forProduct(
    productId: string,
    domain: string | undefined,
    listing?: readonly NotificationType[],
  ): Promise<Subscription[]>;
  /** Sets the event types of a subscription; undefined when there is no such subscription. */
  updateEvents(id: string, events: readonly NotificationType[]): Promise<Subscription | undefined>;
  delete(id: string): Promise<boolean>;
  pause(id: string, reason: string): Promise<void>;
  /** The creation is complete (announced, secret handed out): clears `pending`. */
  markAnnounced(id: string): Promise<void>;
  /** The signing secret of a webhook subscription, kept apart from the subscription record. */
  putSecret(id: string, secret: string): Promise<void>;
  /**
   * Keeps `secret` unless the subscription has one already, and returns the one it keeps: requests finishing
   * the same creation at once all hand out the same secret.
   */
  putFirstSecret(id: string, secret: string): Promise<string>;
  /**
   * Subscriptions with their signing secrets (if they have one), read together: what a batch of deliveries
   * needs. By id; deleted ones are absent, and one whose stored record cannot be read is an `Error` (that
   * delivery fails, not the batch).
   */
  getWithSecrets(ids: readonly string[]): Promise<Map<string, SubscriptionWithSecret | Error>>;

  /**
   * Starts one delivery: claimed (with the attempts so far), already delivered (exactly once: do nothing),
   * or held by another attempt whose lease has not run out.
   */
  claimDelivery(
    delivery: Pick<DeliveryRecord, 'subscriptionId' | 'notificationId' | 'productId' | 'type'>,
    leaseMs: number,
  ): Promise<DeliveryClaim>;
  /**
   * Records claimed deliveries as delivered, in as few writes as the store allows (a batch of deliveries ends
   * in one). Delivered is final: whatever another attempt records later does not change it.
   */
  completeDeliveries(deliveries: readonly ClaimedDelivery[]): Promise<void>;
  failDelivery(subscriptionId: string, notificationId: string, error: string): Promise<void>;
  listDeliveries(options?: { failedOnly?: boolean; limit?: number }): Promise<DeliveryRecord[]>;
}
