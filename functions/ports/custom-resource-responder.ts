import type { CustomResourceResponse } from '../../events/inbound/storage-registration-request';

/** Answers a CloudFormation custom resource request at its pre-signed response URL. */
export interface CustomResourceResponder {
  respond(responseUrl: string, response: CustomResourceResponse): Promise<void>;
}
