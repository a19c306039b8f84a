import { DeliveryError } from '../../ports/channel-sender';

/** Errors no retry can fix: the target is missing, refuses us, or refuses the message. */
const PERMANENT = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationErrorException',
  'NotAuthorizedForSourceException',
  'UnauthorizedOperation',
  'InvalidSecurity',
  // SQS
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NonExistentQueue',
  'QueueDeletedRecently',
  'InvalidMessageContents',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'UnsupportedOperation',
  'KmsAccessDenied',
  'KmsDisabled',
  'KmsNotFound',
  'KmsInvalidKeyUsage',
  // EventBridge
  'ResourceNotFoundException',
  'ValidationException',
  // SES
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'BadRequestException',
]);

/** Errors that pass: throttling, service trouble, the network. */
const RETRYABLE = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'LimitExceededException',
  'KmsThrottled',
  'KmsInvalidState',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServiceErrorException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

interface SdkErrorLike {
  name?: unknown;
  Code?: unknown;
  code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/**
 * The DeliveryError of an AWS SDK failure: known names first (AccessDenied, NonExistentQueue,
 * ResourceNotFound → permanent; throttling, internal errors → retryable), then the HTTP status (5xx →
 * retryable, other 4xx → permanent); anything without a response (network, credentials) is retryable.
 * `what` says what was attempted: `SQS SendMessage to arn:aws:sqs:…`.
 */
export const deliveryErrorFromAws = (error: unknown, what: string): DeliveryError => {
  if (error instanceof DeliveryError) return error;
  const e: SdkErrorLike = error && typeof error === 'object' ? (error as SdkErrorLike) : {};
  const names = [e.name, e.Code, e.code].filter((n): n is string => typeof n === 'string');
  const message = typeof e.message === 'string' ? e.message : String(error);
  const name = names[0] ?? 'Error';
  const text = `${what} failed: ${name}${message && message !== name ? `: ${message}` : ''}`;
  if (names.some((n) => PERMANENT.has(n))) return new DeliveryError(text, 'permanent');
  if (names.some((n) => RETRYABLE.has(n))) return new DeliveryError(text, 'retryable');
  if (e.$retryable) return new DeliveryError(text, 'retryable');
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  if (status !== undefined) {
    if (status === 429 || status >= 500) return new DeliveryError(text, 'retryable');
    if (status >= 400) return new DeliveryError(text, 'permanent');
  }
  if (e.$fault === 'client') return new DeliveryError(text, 'permanent');
  return new DeliveryError(text, 'retryable');
};
