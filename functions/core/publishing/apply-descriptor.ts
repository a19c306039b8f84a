import { parse as parseYaml } from 'yaml';
import type { OutgoingEvent } from '../../ports/event-publisher';
import type { Registry } from '../../ports/registry';
import * as z from '../../shared/zod';
import { ConcurrentUpdateError } from '../errors';
import type { FileRef } from '../file-ref';
import type { Problem } from '../problem';
import type { InputPort } from '../registry/records';
import { type EventFactory, rejection } from './rejection';

/** A product folder's optional ODPS v1 descriptor (`dataproduct.yaml`); the platform reads its input ports. */
export const DESCRIPTOR_FILE_NAME = 'dataproduct.yaml';

const InputPortSchema = z.object({
  name: z.string().check(z.minLength(1)),
  version: z.string(),
  contractId: z.string().check(z.minLength(1)),
});

/** The part of ODPS the platform uses; other keys are allowed (ODPS validates them). */
const DescriptorSchema = z.object({
  kind: z.literal('DataProduct'),
  inputPorts: z.optional(z.array(InputPortSchema)),
});

const MAX_WRITE_ATTEMPTS = 5;

export const parseDescriptor = (
  text: string,
  path: string,
): { ok: true; inputPorts: InputPort[] } | { ok: false; problems: Problem[] } => {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    return { ok: false, problems: [{ path, message: `not valid YAML: ${(error as Error).message}` }] };
  }
  const parsed = DescriptorSchema.safeParse(document);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        path: `${path}: ${i.path.join('.') || '(root)'}`,
        message: i.message,
      })),
    };
  }
  return {
    ok: true,
    inputPorts: (parsed.data.inputPorts ?? []).map(({ name, version, contractId }) => ({
      name,
      version,
      contractId,
    })),
  };
};

/**
 * `dataproduct.yaml` was written (upload or push): its input ports — upstream products by contract id, or by
 * product id as the port's name — are kept on the product, for downstream impact. A product that is not
 * registered yet, or an invalid descriptor, is refused with the reason; nothing else changes.
 */
export const applyDescriptor = async (
  deps: { registry: Registry; clock: () => Date },
  input: {
    productId: string;
    text: string;
    ref: FileRef;
    path: string;
    actor?: { username: string; email?: string };
  },
  ids: EventFactory,
): Promise<OutgoingEvent[]> => {
  const parsed = parseDescriptor(input.text, input.path);
  if (!parsed.ok)
    return [rejection(ids, input.productId, 'invalid-descriptor', input.ref, parsed.problems, input.actor)];
  for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
    const product = await deps.registry.getProduct(input.productId);
    if (!product) {
      return [
        rejection(
          ids,
          input.productId,
          'unknown-product',
          input.ref,
          [
            {
              path: input.path,
              message: `no data product "${input.productId}" is registered: add its datacontract.yaml first`,
            },
          ],
          input.actor,
        ),
      ];
    }
    if (JSON.stringify(product.inputPorts ?? []) === JSON.stringify(parsed.inputPorts)) return [];
    const updated = {
      ...product,
      inputPorts: parsed.inputPorts,
      updatedAt: deps.clock().toISOString(),
      revision: product.revision + 1,
    };
    if (await deps.registry.putProduct(updated, product.revision)) return [];
  }
  throw new ConcurrentUpdateError(`product ${input.productId} kept changing while reading ${input.path}`);
};
