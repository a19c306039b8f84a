import { headerValue, type WebhookHeaders } from './detect-host';

/**
 * How the body is encoded: JSON, or `application/x-www-form-urlencoded` with the JSON in a `payload` field
 * (GitHub and Gitea/Forgejo offer both). Anything but the form media type is read as JSON.
 */
export type BodyFormat = 'json' | 'form';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export const bodyFormat = (headers: WebhookHeaders): BodyFormat => {
  const mediaType = headerValue(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  return mediaType === FORM_MEDIA_TYPE ? 'form' : 'json';
};

/** UTF-8 text, or undefined when the bytes are not valid UTF-8. A leading BOM is dropped. */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

/** The decoded `payload` field of a form body, or undefined when there is none. */
export const formPayload = (body: Uint8Array): string | undefined => {
  const text = decodeUtf8(body);
  return text === undefined ? undefined : (new URLSearchParams(text).get('payload') ?? undefined);
};

export type PayloadRead = { ok: true; payload: unknown } | { ok: false; reason: string };

/** The body's JSON value (of the `payload` field for form bodies). Only call it on an authenticated body. */
export const readPayload = (body: Uint8Array, format: BodyFormat): PayloadRead => {
  const text = format === 'form' ? formPayload(body) : decodeUtf8(body);
  if (text === undefined) {
    return {
      ok: false,
      reason:
        format === 'form'
          ? `the ${FORM_MEDIA_TYPE} body has no "payload" field`
          : 'the body is not valid UTF-8 text',
    };
  }
  try {
    return { ok: true, payload: JSON.parse(text) };
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    return {
      ok: false,
      reason: `the ${format === 'form' ? '"payload" field' : 'body'} is not valid JSON${detail}`,
    };
  }
};
