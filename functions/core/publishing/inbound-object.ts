import type { S3ObjectCreatedDetail } from '../../../events/inbound/s3-object-created';

/** The facts of one `Object Created` event the use cases work with. */
export interface InboundObject {
  eventId: string;
  eventTime: string;
  bucket: string;
  key: string;
  size: number;
  etag?: string;
  versionId?: string;
  sequencer: string;
  requester: string;
}

/** S3 compares sequencers of one key as strings after right-padding the shorter with zeros. */
export const normaliseSequencer = (sequencer: string | undefined): string =>
  (sequencer ?? '').toUpperCase().padEnd(32, '0');

export const toInboundObject = (envelope: {
  id: string;
  time: string;
  detail: S3ObjectCreatedDetail;
}): InboundObject => {
  const { detail } = envelope;
  return {
    eventId: envelope.id,
    eventTime: envelope.time,
    bucket: detail.bucket.name,
    key: detail.object.key,
    size: detail.object.size ?? 0,
    etag: detail.object.etag,
    versionId: detail.object['version-id'],
    sequencer: normaliseSequencer(detail.object.sequencer),
    requester: detail.requester,
  };
};

/** The identity of one write of one object: what makes a redelivery recognisable. */
export const idempotencyKey = (o: InboundObject): string =>
  ['s3', o.bucket, o.key, o.versionId ?? o.etag ?? '', o.sequencer].join('|');

/** The object an event is about, as domain events refer to it. */
export const objectRef = (object: InboundObject) => ({
  bucket: object.bucket,
  key: object.key,
  ...(object.versionId ? { versionId: object.versionId } : {}),
  ...(object.etag ? { etag: object.etag } : {}),
});
