import * as z from '../zod';

/** The properties a `ProducerBucket` stack sends with its registration custom resource. */
export const StorageRegistrationPropertiesSchema = z.object({
  ProductId: z.string().check(z.minLength(1)),
  BucketName: z.string().check(z.minLength(3)),
  /** The product's folder in the bucket, ending with `/`. */
  Prefix: z.string().check(z.minLength(1)),
});

const common = {
  ServiceToken: z.string(),
  /** A pre-signed S3 URL: CloudFormation waits for the outcome to be PUT there. */
  ResponseURL: z.url(),
  /** `arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>`: whose stack is asking. */
  StackId: z.string().check(z.regex(/^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/.+/)),
  RequestId: z.string().check(z.minLength(1)),
  LogicalResourceId: z.string(),
  ResourceType: z.string(),
};

/**
 * A CloudFormation custom resource request (Lambda-backed, invoked by CloudFormation in the producer's
 * account). Properties stay loosely typed here so that a malformed one still gets a FAILED answer with the
 * reason instead of leaving the stack waiting an hour.
 */
export const StorageRegistrationRequestSchema = z.discriminatedUnion('RequestType', [
  z.object({
    ...common,
    RequestType: z.literal('Create'),
    ResourceProperties: z.record(z.string(), z.unknown()),
  }),
  z.object({
    ...common,
    RequestType: z.literal('Update'),
    PhysicalResourceId: z.string(),
    ResourceProperties: z.record(z.string(), z.unknown()),
    OldResourceProperties: z.record(z.string(), z.unknown()),
  }),
  z.object({
    ...common,
    RequestType: z.literal('Delete'),
    PhysicalResourceId: z.string(),
    ResourceProperties: z.record(z.string(), z.unknown()),
  }),
]);

export type StorageRegistrationRequest = z.infer<typeof StorageRegistrationRequestSchema>;

/** What CloudFormation expects at the ResponseURL. */
export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}
