import type { NotificationType, Subscription } from './subscription';

/** What matching needs of a product: its id and domain (a `ProductRecord` or an event's product summary). */
export interface ProductRef {
  id: string;
  domain?: string | undefined;
}

/** Whether a subscription's target is this product: by id, or by the product's domain. */
export const targets = (subscription: Subscription, product: ProductRef): boolean =>
  'productId' in subscription.target
    ? subscription.target.productId === product.id
    : product.domain !== undefined && subscription.target.domain === product.domain;

/**
 * Whether an active subscription wants this type of notification about this product. A breaking schema change
 * is both `schema-changed-breaking` and `schema-changed` (see `notificationsFor`), so a `schema-changed`
 * subscription gets it too, while a `schema-changed-breaking` one gets breaking changes only.
 */
export const matches = (subscription: Subscription, type: NotificationType, product: ProductRef): boolean =>
  subscription.status === 'active' &&
  targets(subscription, product) &&
  (subscription.events.includes(type) || ALWAYS_NOTIFIED.includes(type));

/** Where a product's files live is news for every subscriber: reading from the old place would go stale. */
const ALWAYS_NOTIFIED: readonly NotificationType[] = ['storage-changed'];

/**
 * The event types a subscription must list to be told of an event of these types, or undefined when every
 * subscription of the product is (a type that reaches all): what the store may narrow its reading to.
 */
export const listedTypesFor = (
  types: readonly NotificationType[],
): readonly NotificationType[] | undefined =>
  types.some((type) => ALWAYS_NOTIFIED.includes(type)) ? undefined : types;

/** Most specific first: the one type a subscription is told when an event is several. */
const SPECIFICITY: readonly NotificationType[] = ['schema-changed-breaking', 'schema-changed'];

const rank = (type: NotificationType) => {
  const index = SPECIFICITY.indexOf(type);
  return index === -1 ? SPECIFICITY.length : index;
};

/**
 * The one notification type a subscription gets for an event of these types, or undefined: one event makes at
 * most one notification per subscription, of the most specific type it asked for (a subscription to both
 * `schema-changed` and `schema-changed-breaking` is told once, as breaking).
 */
export const matchingType = (
  subscription: Subscription,
  types: readonly NotificationType[],
  product: ProductRef,
): NotificationType | undefined =>
  [...types].sort((a, b) => rank(a) - rank(b)).find((type) => matches(subscription, type, product));
