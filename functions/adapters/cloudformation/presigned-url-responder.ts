import http from 'node:http';
import https from 'node:https';
import type { CustomResourceResponse } from '../../../events/inbound/storage-registration-request';
import type { CustomResourceResponder } from '../../ports/custom-resource-responder';

const TIMEOUT_MS = 10_000;
/** CloudFormation truncates longer reasons; keep the start, which says what is wrong. */
const MAX_REASON = 3000;

/**
 * PUTs the outcome to CloudFormation's pre-signed S3 URL. The URL's signature does not cover a content type,
 * so none is sent (an implicit one would break it).
 */
/** CloudFormation's response URLs are pre-signed S3 URLs: nothing else is ever answered. */
const S3_HOST = /(^|\.)s3[.-]([a-z0-9-]+\.)*amazonaws\.com(\.cn)?$/;

export class PresignedUrlResponder implements CustomResourceResponder {
  /** @param options.allowLoopback plain http to 127.0.0.1 (the tests' stand-in for CloudFormation) */
  constructor(private readonly options: { allowLoopback?: boolean } = {}) {}

  async respond(responseUrl: string, response: CustomResourceResponse): Promise<void> {
    const url = new URL(responseUrl);
    const loopback =
      this.options.allowLoopback === true && url.protocol === 'http:' && url.hostname === '127.0.0.1';
    if (!loopback && !(url.protocol === 'https:' && S3_HOST.test(url.hostname))) {
      // An invoker names the URL: answering anywhere else would make this function a request forger.
      throw new Error(`refusing to answer at ${url.protocol}//${url.host}: not a pre-signed S3 URL`);
    }
    const body = JSON.stringify({
      ...response,
      ...(response.Reason ? { Reason: response.Reason.slice(0, MAX_REASON) } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'PUT',
          headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
          timeout: TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300
              ? resolve()
              : reject(new Error(`CloudFormation's response URL answered ${res.statusCode}`)),
          );
        },
      );
      request.on('timeout', () =>
        request.destroy(new Error(`no answer from the response URL in ${TIMEOUT_MS} ms`)),
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}
