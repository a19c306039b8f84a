import type { NotificationType } from './subscription';

/** How far downstream impact is followed by default: products derived from products … five levels deep. */
export const DEFAULT_MAX_DEPTH = 5;

/**
 * Whether a notification type concerns the products derived from this one too: a breaking schema change, a
 * failed upload (their inputs are stale) and a deprecation do; a new version or a compatible change do not.
 * A breaking schema change propagates through its `schema-changed-breaking` type (the event is also
 * `schema-changed`, which alone, for a non-breaking change, does not).
 */
export const propagatesDownstream = (type: NotificationType): boolean =>
  type === 'schema-changed-breaking' || type === 'validation-failed' || type === 'deprecated';

export interface DownstreamProduct {
  productId: string;
  /** From the changed product to this one: `['orders', 'daily-revenue', 'board-kpis']`. */
  path: string[];
}

/**
 * The products derived, directly or not, from `productId`: breadth-first, so each comes once with its
 * shortest path, nearest first. Cycles are harmless (a product is visited once, and the changed product is
 * never its own dependent); at most `maxDepth` levels are followed. `dependents(id)` lists the products that
 * name `id` among their upstream products; the ones of one level are asked concurrently.
 */
export const downstreamOf = async (
  productId: string,
  dependents: (id: string) => Promise<string[]> | string[],
  { maxDepth = DEFAULT_MAX_DEPTH }: { maxDepth?: number } = {},
): Promise<DownstreamProduct[]> => {
  const seen = new Set([productId]);
  const found: DownstreamProduct[] = [];
  let frontier: DownstreamProduct[] = [{ productId, path: [productId] }];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth += 1) {
    const children = await Promise.all(
      frontier.map(async (node) => ({ node, ids: await dependents(node.productId) })),
    );
    const next: DownstreamProduct[] = [];
    for (const { node, ids } of children) {
      for (const id of [...new Set(ids)].sort()) {
        if (seen.has(id)) continue;
        seen.add(id);
        next.push({ productId: id, path: [...node.path, id] });
      }
    }
    found.push(...next);
    frontier = next;
  }
  return found;
};
