import { createHash } from 'node:crypto';
import middy from '@middy/core';
import {
  type CustomResourceResponse,
  StorageRegistrationPropertiesSchema,
  type StorageRegistrationRequest,
  StorageRegistrationRequestSchema,
} from '../../events/inbound/storage-registration-request';
import { PRODUCT_ID_PATTERN } from '../core/contracts/data-contract';
import { parseS3Uri } from '../core/storage/declared-locations';
import {
  deregisterProducerLocation,
  type ProducerLocation,
  registerProducerLocation,
} from '../core/storage/producer-registration';
import { logger } from '../shared/logger';
import { buildStorageRegistrationDeps, type StorageRegistrationDeps } from './storage-root';

/**
 * The resource's physical id names what it registered (a changed location is a replacement) and which stack
 * resource it is (two resources with the same properties are two registrations).
 */
const physicalId = (
  { productId, location }: Pick<ProducerLocation, 'productId' | 'location'>,
  request: StorageRegistrationRequest,
) =>
  `${productId}@s3://${location.bucket}/${location.prefix}#${createHash('sha256')
    .update(`${request.StackId}/${request.LogicalResourceId}`)
    .digest('hex')
    .slice(0, 12)}`;

/** The registration a request's properties describe, or why they describe none. */
const registrationOf = (request: StorageRegistrationRequest, account: string): ProducerLocation | string => {
  const properties = request.ResourceProperties;
  const parsed = StorageRegistrationPropertiesSchema.safeParse(properties);
  if (!parsed.success)
    return `invalid properties: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
  const { ProductId, BucketName, Prefix } = parsed.data;
  if (!PRODUCT_ID_PATTERN.test(ProductId))
    return `ProductId "${ProductId}" is not a product id (lowercase letters, digits and dashes, optionally dotted by domain)`;
  const location = parseS3Uri(`s3://${BucketName}/${Prefix}`);
  if (typeof location === 'string') return location;
  const registration = { productId: ProductId, location };
  return { ...registration, account, resource: physicalId(registration, request) };
};

const accountOf = (stackId: string) => stackId.split(':')[4] ?? '';

/**
 * The custom resource behind `ProducerBucket`: Create and Update register the bucket prefix for the product
 * (idempotent: an update that changes nothing does nothing), a changed prefix or product is a replacement
 * (CloudFormation then deletes the old one), Delete gives the prefix back and keeps the files. Every request
 * is answered — FAILED with the reason a producer can act on — so a stack never waits for a timeout.
 */
export const makeHandler = (deps: () => StorageRegistrationDeps) =>
  middy<unknown, CustomResourceResponse | undefined>()
    .before((request) => logger.startInvocation(request.context))
    .handler(async (event) => {
      const parsed = StorageRegistrationRequestSchema.safeParse(event);
      if (!parsed.success) {
        // Without a valid ResponseURL nobody can be answered; the function's DLQ keeps the request.
        throw new Error(
          `not a CloudFormation custom resource request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      const request = parsed.data;
      const d = deps();
      const response = await outcome(d, request).catch(
        (error: unknown): CustomResourceResponse => ({
          ...answer(request, 'FAILED', fallbackId(request)),
          Reason: `the platform could not complete the registration (${error instanceof Error ? error.message : String(error)}); retry the deployment`,
        }),
      );
      logger.info('storage registration', {
        requestType: request.RequestType,
        status: response.Status,
        physicalResourceId: response.PhysicalResourceId,
        ...(response.Reason ? { reason: response.Reason } : {}),
      });
      await d.responder.respond(request.ResponseURL, response);
      return response;
    });

const outcome = async (
  deps: StorageRegistrationDeps,
  request: StorageRegistrationRequest,
): Promise<CustomResourceResponse> => {
  const account = accountOf(request.StackId);
  const registration = registrationOf(request, account);

  if (request.RequestType === 'Delete') {
    // A failed Create leaves a physical id that names nothing registered: deleting it must succeed.
    if (typeof registration === 'string' || registration.resource !== request.PhysicalResourceId)
      return answer(request, 'SUCCESS', request.PhysicalResourceId);
    await deregisterProducerLocation(deps, registration, request.RequestId);
    return answer(request, 'SUCCESS', request.PhysicalResourceId);
  }

  if (deps.allowedAccounts && !deps.allowedAccounts.includes(account)) {
    return {
      ...answer(request, 'FAILED', fallbackId(request)),
      Reason: `account ${account} is not allowed to register storage with this platform: ask the platform team to add it to producerAccounts`,
    };
  }
  if (typeof registration === 'string')
    return { ...answer(request, 'FAILED', fallbackId(request)), Reason: registration };

  const registered = await registerProducerLocation(deps, registration, request.RequestId);
  if (!registered.ok) {
    return {
      ...answer(request, 'FAILED', fallbackId(request)),
      Reason: `cannot register s3://${registration.location.bucket}/${registration.location.prefix} for ${registration.productId}: ${registered.reason}`,
    };
  }
  return {
    ...answer(request, 'SUCCESS', registration.resource),
    Data: {
      ProductId: registration.productId,
      Location: `s3://${registration.location.bucket}/${registration.location.prefix}`,
    },
  };
};

/** A failed Create gets an id of its own; a failed Update keeps the current one (nothing was replaced). */
const fallbackId = (request: StorageRegistrationRequest) =>
  request.RequestType === 'Create' ? `failed-${request.RequestId}` : request.PhysicalResourceId;

const answer = (
  request: StorageRegistrationRequest,
  status: CustomResourceResponse['Status'],
  physicalResourceId: string,
): CustomResourceResponse => ({
  Status: status,
  PhysicalResourceId: physicalResourceId,
  StackId: request.StackId,
  RequestId: request.RequestId,
  LogicalResourceId: request.LogicalResourceId,
});

let deps: StorageRegistrationDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildStorageRegistrationDeps();
  return deps;
});
