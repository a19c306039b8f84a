import { GitPushReceived } from '../../events/inbound/git-push-received';
import type { GitOpsDeps } from '../core/gitops/git-ops-deps';
import { processPush } from '../core/gitops/process-push';
import { eventHandler } from '../shared/event-handler';
import { logger } from '../shared/logger';
import { buildGitOpsDeps } from './git-root';

/** `Git Push Received` → publish every product folder the push touched. */
export const makeHandler = (deps: () => Promise<GitOpsDeps>) =>
  eventHandler(GitPushReceived, async (event) => {
    const { detail } = event;
    logger.appendKeys({
      repository: detail.repository.fullName,
      after: detail.after,
      deliveryId: detail.deliveryId,
    });
    return processPush(await deps(), detail, event.id);
  });

let deps: Promise<GitOpsDeps> | undefined;
export const handler = makeHandler(() => {
  deps ??= buildGitOpsDeps();
  return deps;
});
