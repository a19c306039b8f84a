import { dataUpload } from '../core/publishing/data-upload';
import type { PublishingDeps } from '../core/publishing/publishing-deps';
import { makeObjectEventHandler } from './object-event-handler';
import { buildPublishingDeps } from './publishing-root';

/** Any other object written to a data bucket → publish or quarantine a CSV, or refuse what is not one. */
export const makeHandler = makeObjectEventHandler(dataUpload);

let deps: PublishingDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildPublishingDeps();
  return deps;
});
