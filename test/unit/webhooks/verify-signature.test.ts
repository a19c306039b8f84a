import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interpretWebhook } from '../../../functions/core/webhooks/interpret-webhook';
import {
  constantTimeEqual,
  type SignatureScheme,
  verifySignature,
} from '../../../functions/core/webhooks/verify-signature';

const corpusFolder = new URL('../../../../shared/reference/corpus/', import.meta.url);

interface Vector {
  id: string;
  host: string;
  header_name: string;
  secret: string;
  body?: string;
  body_file?: string;
  body_sha256?: string;
  body_length?: number;
  header_value: string;
  expected_valid: boolean;
  webhook_id?: string;
  webhook_timestamp?: string;
  extra_headers?: Record<string, string>;
}

const vectors: Vector[] = JSON.parse(
  readFileSync(new URL('webhook-signatures/signature-vectors.json', corpusFolder), 'utf8'),
);

/** `body_file` is written from the corpus' parent (`corpus/drone-go-scm/…`). */
const bodyOf = (vector: Vector): Uint8Array => {
  if (vector.body_file === undefined) return Buffer.from(vector.body ?? '', 'utf8');
  return readFileSync(new URL(vector.body_file.replace(/^corpus\//, ''), corpusFolder));
};

const SCHEMES: Record<string, SignatureScheme> = {
  'X-Hub-Signature-256': 'hub-sha256',
  'X-Hub-Signature': 'hub-sha1',
  'X-Gitea-Signature': 'hex-sha256',
  'X-Gogs-Signature': 'hex-sha256',
  'X-Gitlab-Token': 'token',
};

const schemeOf = (vector: Vector): SignatureScheme =>
  vector.header_name.startsWith('webhook-signature')
    ? 'standard-webhooks'
    : (SCHEMES[vector.header_name] ?? expect.fail(`no scheme for header ${vector.header_name}`));

describe('Function: verifySignature (corpus signature-vectors.json)', () => {
  it('covers all 17 vectors, 10 valid and 7 invalid', () => {
    expect(vectors).toHaveLength(17);
    expect(vectors.filter((v) => v.expected_valid)).toHaveLength(10);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    const body = bodyOf(vector);
    if (vector.body_sha256 !== undefined) {
      expect(createHash('sha256').update(body).digest('hex')).toBe(vector.body_sha256);
      expect(body.length).toBe(vector.body_length);
    }

    expect(
      verifySignature({
        scheme: schemeOf(vector),
        secret: vector.secret,
        header: vector.header_value,
        payload: body,
        ...(vector.webhook_id !== undefined && { webhookId: vector.webhook_id }),
        ...(vector.webhook_timestamp !== undefined && { webhookTimestamp: vector.webhook_timestamp }),
      }),
    ).toBe(vector.expected_valid);
  });

  // The receiver checks X-Hub-Signature-256 (GitHub), X-Gitea-Signature (Gitea) and X-Gitlab-Token (GitLab).
  const receiverVectors = vectors.filter((v) =>
    ['X-Hub-Signature-256', 'X-Gitea-Signature', 'X-Gitlab-Token'].includes(v.header_name),
  );

  it.each(receiverVectors.map((v) => [v.id, v] as const))('interpretWebhook agrees on %s', (_id, vector) => {
    const host = vector.host as 'github' | 'gitea' | 'gitlab';
    const eventHeaders = {
      github: { 'x-github-event': 'push', 'x-github-delivery': 'd-1' },
      gitea: { 'x-gitea-event': 'pull_request', 'x-gitea-delivery': 'd-1' },
      gitlab: { 'x-gitlab-event': 'Push Hook' },
    }[host];
    const outcome = interpretWebhook(
      {
        headers: { ...eventHeaders, [vector.header_name.toLowerCase()]: vector.header_value },
        body: bodyOf(vector),
      },
      { secrets: { [host]: vector.secret }, branch: 'master' },
    );

    expect(outcome.status === 401).toBe(!vector.expected_valid);
  });

  it('refuses every signature when the secret is empty', () => {
    const payload = Buffer.from('Hello, World!');

    expect(verifySignature({ scheme: 'hub-sha256', secret: '', header: 'sha256=', payload })).toBe(false);
    expect(verifySignature({ scheme: 'token', secret: '', header: '', payload })).toBe(false);
    expect(verifySignature({ scheme: 'token', secret: '\n', header: '', payload })).toBe(false);
  });

  it('compares GitLab tokens as GitLab sends them, without line breaks', () => {
    const payload = Buffer.from('{}');

    expect(verifySignature({ scheme: 'token', secret: 'top\nsecret\n', header: 'topsecret', payload })).toBe(
      true,
    );
    expect(verifySignature({ scheme: 'token', secret: 'topsecret', header: 'topsecre', payload })).toBe(
      false,
    );
  });

  it('does not accept an upper-case or prefixed Gitea signature in place of the exact hex', () => {
    const vector = vectors.find((v) => v.id === 'goscm-gitea-pr-edited') ?? expect.fail('vector missing');
    const check = { scheme: 'hex-sha256' as const, secret: vector.secret, payload: bodyOf(vector) };

    expect(verifySignature({ ...check, header: vector.header_value })).toBe(true);
    expect(verifySignature({ ...check, header: vector.header_value.toUpperCase() })).toBe(false);
    expect(verifySignature({ ...check, header: `sha256=${vector.header_value}` })).toBe(false);
  });
});

describe('Function: constantTimeEqual', () => {
  it('returns false for values of different lengths instead of throwing', () => {
    expect(
      constantTimeEqual('foo', 'sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3'),
    ).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });

  it('compares bytes, not characters', () => {
    expect(constantTimeEqual('♥', Buffer.from('♥', 'utf8'))).toBe(true);
    expect(constantTimeEqual('♥', 'xxx')).toBe(false);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
  });
});
