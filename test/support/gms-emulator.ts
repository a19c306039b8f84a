import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { MetadataChangeProposal } from '../../functions/core/catalog/proposal';
import type { Received } from './http';

export type { Received };

// The reference's JSON Schema of the protocol (draft 2020-12), used the way GMS validates: the request body,
// then every aspect after decoding `aspect.value`.
const schema = JSON.parse(
  readFileSync(new URL('../../../shared/reference/datahub/aspects.schema.json', import.meta.url), 'utf8'),
) as { $id: string };
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addSchema(schema);
/** A compiled validator for a JSON pointer into the reference schema (`''` is the Rest.li batch body). */
export const datahubValidator = (pointer: string) => {
  const validate = ajv.getSchema(`${schema.$id}${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  return validate;
};
const validateBatchBody = datahubValidator('');
const validateSingleBody = datahubValidator('#/$defs/IngestProposalRequest');
export const validateDecoded = datahubValidator('#/$defs/DecodedMetadataChangeProposal');

export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.personal-access-token';

export type Handler = (request: Received, response: ServerResponse) => void;

export const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

/** A Rest.li error envelope, as GMS's framework writes it. */
export const restliError = (response: ServerResponse, status: number, message: string) =>
  json(
    response,
    status,
    {
      exceptionClass: 'com.linkedin.restli.server.RestLiServiceException',
      stackTrace: `com.linkedin.restli.server.RestLiServiceException [HTTP Status:${status}]: ${message}\n\tat com.linkedin.metadata.resources.entity.AspectResource.ingestProposalBatch(AspectResource.java:321)`,
      message,
      status,
    },
    { 'x-restli-error-response': 'true' },
  );

export const GMS_CONFIG = {
  noCode: 'true',
  retention: 'true',
  statefulIngestionCapable: true,
  patchCapable: true,
  versions: { 'acryldata/datahub': { version: 'v1.3.0', commit: 'c5104984a8' } },
  datahub: { serverType: 'prod', serverEnv: 'core' },
};

/** GMS's Rest.li endpoints, strict about what the real one checks (plus the reference schema). */
export const gmsHandler =
  (stored: MetadataChangeProposal[], token: string = TOKEN): Handler =>
  (request, response) => {
    if (request.method === 'GET' && request.url === '/config') return json(response, 200, GMS_CONFIG);
    const single = request.url === '/aspects?action=ingestProposal';
    if (request.method !== 'POST' || !(single || request.url === '/aspects?action=ingestProposalBatch'))
      return restliError(response, 404, `No root resource defined for path '${request.url}'`);
    if (request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'text/html' });
      return response.end(
        '<html><body><h2>HTTP ERROR 401 Unauthorized to perform this action.</h2></body></html>',
      );
    }
    if (
      request.headers['x-restli-protocol-version'] !== '2.0.0' ||
      request.headers['content-type'] !== 'application/json'
    )
      return restliError(response, 400, 'expected Rest.li 2.0.0 JSON');
    const body = JSON.parse(request.body);
    const validateBody = single ? validateSingleBody : validateBatchBody;
    if (!validateBody(body))
      return restliError(response, 400, `Invalid request body: ${JSON.stringify(validateBody.errors)}`);
    const proposals: MetadataChangeProposal[] = single ? [body.proposal] : body.proposals;
    for (const proposal of proposals) {
      const decoded = {
        ...proposal,
        aspect: { ...proposal.aspect, value: JSON.parse(proposal.aspect.value) },
      };
      if (!validateDecoded(decoded)) {
        const error = validateDecoded.errors?.[0];
        return restliError(
          response,
          422,
          `Failed to validate record with class com.linkedin.${proposal.aspectName}: ERROR :: ${error?.instancePath ?? '/'} :: ${error?.message ?? 'invalid'}\n`,
        );
      }
    }
    stored.push(...proposals);
    json(response, 200, { value: 'success' });
  };

export { closedPort, startHttp } from './http';
