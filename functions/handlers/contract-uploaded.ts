import { contractUpload } from '../core/publishing/contract-upload';
import type { PublishingDeps } from '../core/publishing/publishing-deps';
import { makeObjectEventHandler } from './object-event-handler';
import { buildPublishingDeps } from './publishing-root';

/** `<product-id>/datacontract.yaml` written to a data bucket → register or update the product. */
export const makeHandler = makeObjectEventHandler(contractUpload);

let deps: PublishingDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildPublishingDeps();
  return deps;
});
