import type { Clock } from '../../ports/clock';
import type { EventPublisher } from '../../ports/event-publisher';
import type { LocationProber } from '../../ports/location-probe';
import type { Logger } from '../../ports/logger';
import type { ObjectStore } from '../../ports/object-store';
import type { Registry } from '../../ports/registry';

/** Everything the publishing use cases depend on: ports only, built once in a composition root. */
export interface PublishingDeps {
  registry: Registry;
  objects: ObjectStore;
  /** Checks the S3 locations a contract declares before they are registered. */
  storage: LocationProber;
  events: EventPublisher;
  clock: Clock;
  logger: Logger;
  settings: PublishingSettings;
}

export interface PublishingSettings {
  /**
   * The platform's default bucket, where `<product-id>/` folders need no registration. Objects of any other
   * bucket belong to a product only under a registered location. @default - every bucket (single-bucket tests)
   */
  defaultBucket?: string;
  /** Contracts larger than this are rejected unread. @default 1 MiB */
  maxContractBytes: number;
  /** Errors kept per file in events and reports (the total is always counted). @default 100 */
  maxReportedErrors: number;
  /** How long a started attempt holds an inbound event before another may take over. @default 15 min */
  eventLeaseMs: number;
  /**
   * A data file in a folder whose contract is not registered is retried (not rejected) while the folder's
   * contract file is younger than this: it is probably still being registered. @default 10 min
   */
  contractGraceMs: number;
}

export const DEFAULT_PUBLISHING_SETTINGS: PublishingSettings = {
  maxContractBytes: 1024 * 1024,
  maxReportedErrors: 100,
  eventLeaseMs: 15 * 60 * 1000,
  contractGraceMs: 10 * 60 * 1000,
};
