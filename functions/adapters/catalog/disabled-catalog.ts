import type { MetadataChangeProposal } from '../../core/catalog/proposal';
import type { CatalogSink, CatalogStatus } from '../../ports/catalog';
import type { Logger } from '../../ports/logger';

/**
 * A deployment without a DataHub (no `datahub.gmsUrl` context): proposals are logged, not sent. Once DataHub is
 * configured, replaying the bus archive (or any product change) brings it up to date, since every proposal
 * carries a product's whole current state.
 */
export class DisabledCatalog implements CatalogSink {
  constructor(private readonly logger: Logger) {}

  async ingest(proposals: MetadataChangeProposal[]): Promise<void> {
    this.logger.warn('no DataHub configured (set the datahub.gmsUrl context): proposals not sent', {
      proposals: proposals.length,
    });
  }

  async check(): Promise<CatalogStatus> {
    return { kind: 'datahub', target: '(not configured)', ok: false, message: 'no DataHub configured' };
  }
}
