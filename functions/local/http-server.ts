import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { CatalogEntity } from '../adapters/catalog/embedded-catalog';
import * as z from '../shared/zod';
import type { LocalBus } from './bus/local-bus';
import { catalogPage } from './catalog-page';
import { listenOnLoopback } from './listen-on-loopback';

const PutEventsRequestSchema = z.object({
  Entries: z.array(
    z.object({
      Source: z.optional(z.string()),
      DetailType: z.optional(z.string()),
      Detail: z.optional(z.string()),
      Resources: z.optional(z.array(z.string())),
      Time: z.optional(z.union([z.number(), z.string()])),
      EventBusName: z.optional(z.string()),
    }),
  ),
});

const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  port: number;
  bus: LocalBus;
  status: () => unknown;
  /** The git webhook receiver: a Lambda function URL event in, its response out. */
  webhook: (event: unknown) => Promise<unknown>;
  /** The embedded catalog's entities, or undefined when the catalog is a DataHub. */
  catalog?: () => Promise<Record<string, CatalogEntity> | undefined>;
  /** The subscriptions API: an HTTP API (payload 2.0) event in, its response out. */
  subscriptionsApi?: (event: unknown) => Promise<unknown>;
  /** Re-delivers the dead-lettered events (`mesh events replay`). */
  replayDeadLetters?: () => Promise<{ replayed: number; failedAgain: number }>;
}

const FunctionUrlResponseSchema = z.object({
  statusCode: z.number(),
  headers: z._default(z.record(z.string(), z.string()), {}),
  body: z._default(z.string(), ''),
});

/**
 * The local platform's HTTP front door on 127.0.0.1: the EventBridge API (PutEvents, AWS JSON 1.1 — so the
 * real SDK and `aws events put-events --endpoint-url` work unchanged) and a status document.
 */
export const startHttpServer = async (options: HttpServerOptions) => {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error) => {
      sendJson(res, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  return listenOnLoopback(server, options.port);
};

const handle = async (options: HttpServerOptions, req: IncomingMessage, res: ServerResponse) => {
  const target = req.headers['x-amz-target'];
  if (req.method === 'POST' && typeof target === 'string') {
    if (target !== 'AWSEvents.PutEvents') {
      return sendAwsError(
        res,
        400,
        'UnknownOperationException',
        `${target} is not supported by the local bus`,
      );
    }
    const body = await readBody(req);
    if (body === undefined)
      return sendAwsError(res, 413, 'ValidationException', 'request body is larger than 1 MB');
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return sendAwsError(res, 400, 'SerializationException', 'request body is not valid JSON');
    }
    const parsed = PutEventsRequestSchema.safeParse(json);
    if (!parsed.success) {
      return sendAwsError(
        res,
        400,
        'ValidationException',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    }
    if (parsed.data.Entries.length < 1 || parsed.data.Entries.length > 10) {
      return sendAwsError(res, 400, 'ValidationException', 'Entries must hold 1 to 10 events');
    }
    const entries = options.bus.putEvents(parsed.data.Entries);
    const failed = entries.filter((e) => 'ErrorCode' in e).length;
    return sendJson(res, 200, { FailedEntryCount: failed, Entries: entries }, 'application/x-amz-json-1.1');
  }
  if (req.url === '/webhooks/git') return forwardWebhook(options, req, res);
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (
    (path === '/subscriptions' || path.startsWith('/subscriptions/') || path === '/deliveries') &&
    options.subscriptionsApi
  )
    return forwardApi(options.subscriptionsApi, req, res);
  if (req.method === 'POST' && req.url === '/dead-letters/replay' && options.replayDeadLetters)
    return sendJson(res, 200, await options.replayDeadLetters());
  if (req.method === 'GET' && (req.url === '/catalog' || req.url === '/catalog.json') && options.catalog) {
    const entities = await options.catalog();
    if (!entities)
      return sendJson(res, 404, { message: 'the catalog is a DataHub (DATAHUB_GMS_URL): look there' });
    if (req.url === '/catalog.json') return sendJson(res, 200, { entities: Object.values(entities) });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(catalogPage(Object.values(entities)));
    return;
  }
  if (req.method === 'GET' && (req.url === '/status' || req.url === '/status.json'))
    return sendJson(res, 200, options.status());
  if (req.method === 'GET' && req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>data mesh (local)</title><h1>Data mesh platform — local</h1><pre>${escapeHtml(JSON.stringify(options.status(), null, 2))}</pre>`,
    );
    return;
  }
  sendJson(res, 404, { message: `no route for ${req.method} ${req.url}` });
};

/** Hands the request to the same handler a Lambda function URL invokes, in its payload format 2.0. */
const forwardWebhook = async (options: HttpServerOptions, req: IncomingMessage, res: ServerResponse) => {
  const body = await readBytes(req, WEBHOOK_MAX_BYTES);
  if (body === undefined) return sendJson(res, 413, { message: 'webhook body larger than 5 MB' });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const event = {
    version: '2.0',
    rawPath: '/webhooks/git',
    headers,
    body: body.toString('base64'),
    isBase64Encoded: true,
    requestContext: { http: { method: req.method ?? 'GET', path: '/webhooks/git' } },
  };
  const response = FunctionUrlResponseSchema.parse(await options.webhook(event));
  res.writeHead(response.statusCode, response.headers);
  res.end(response.body);
};

const WEBHOOK_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Hands a request to an HTTP API handler in its payload format 2.0. On AWS, API Gateway's IAM authoriser puts
 * the caller in `requestContext.authorizer.iam`; locally any request with an `Authorization` header (the CLI
 * sends one) stands for the local user, and one without it reaches the handler unauthenticated.
 */
const forwardApi = async (
  api: (event: unknown) => Promise<unknown>,
  req: IncomingMessage,
  res: ServerResponse,
) => {
  const body = await readBody(req);
  if (body === undefined) return sendJson(res, 413, { message: 'request body is larger than 1 MB' });
  const [rawPath = '/', rawQueryString = ''] = (req.url ?? '/').split('?');
  const caller = req.headers.authorization
    ? { iam: { userArn: 'arn:aws:iam::000000000000:user/mesh-local' } }
    : undefined;
  const response = FunctionUrlResponseSchema.parse(
    await api({
      version: '2.0',
      rawPath,
      rawQueryString,
      body,
      isBase64Encoded: false,
      requestContext: {
        http: { method: req.method ?? 'GET', path: rawPath },
        ...(caller ? { authorizer: caller } : {}),
      },
    }),
  );
  res.writeHead(response.statusCode, response.headers);
  res.end(response.body);
};

/** The request body, or undefined once it passes `limit` bytes (the rest is not read). */
const readBytes = async (req: IncomingMessage, limit: number): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

const readBody = async (req: IncomingMessage): Promise<string | undefined> =>
  (await readBytes(req, MAX_BODY_BYTES))?.toString('utf8');

const sendJson = (res: ServerResponse, status: number, body: unknown, contentType = 'application/json') => {
  res.writeHead(status, { 'content-type': contentType });
  res.end(JSON.stringify(body));
};

const sendAwsError = (res: ServerResponse, status: number, type: string, message: string) =>
  sendJson(res, status, { __type: type, message }, 'application/x-amz-json-1.1');

const escapeHtml = (text: string) =>
  text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
