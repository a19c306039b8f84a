import type { ProductRecord } from './records';

/**
 * The products `product` is derived from: those named in its contract's `upstreamProducts`, and the input
 * ports of its ODPS `dataproduct.yaml`, matched by contract id or, failing that, by product id as the port's
 * name. Itself and unknown products are left out.
 */
export const upstreamProductIds = (product: ProductRecord, products: readonly ProductRecord[]): string[] => {
  const ids = new Set(product.contract.upstreamProducts);
  for (const port of product.inputPorts ?? []) {
    const upstream =
      products.find((p) => p.contract.contractId === port.contractId)?.id ??
      products.find((p) => p.id === port.name)?.id;
    if (upstream) ids.add(upstream);
  }
  ids.delete(product.id);
  return [...ids];
};
