import * as z from './zod';

/** The EventBridge envelope every event travels in, on AWS and on the local bus. */
export const EventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});

export type EventBridgeEnvelope = z.infer<typeof EventBridgeEnvelopeSchema>;

/**
 * One event type: its source, detail-type and detail schema. Publishers validate before sending, consumers
 * parse on receipt, and CDK rules and the local bus build their patterns from it — one definition for all.
 */
export interface EventContract<Detail extends z.ZodMiniType> {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Detail;
  /** The envelope with this contract's detail, for parsing whole events. */
  readonly envelope: z.ZodMiniType<Omit<EventBridgeEnvelope, 'detail'> & { detail: z.infer<Detail> }>;
}

export const defineEvent = <Detail extends z.ZodMiniType>(spec: {
  source: string;
  detailType: string;
  detail: Detail;
}): EventContract<Detail> => ({
  ...spec,
  envelope: z.extend(EventBridgeEnvelopeSchema, {
    source: z.literal(spec.source),
    'detail-type': z.literal(spec.detailType),
    detail: spec.detail,
  }) as unknown as EventContract<Detail>['envelope'],
});

export type DetailOf<C> = C extends EventContract<infer D> ? z.infer<D> : never;
