import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Where a data mesh platform is deployed: all a producer's stack needs to find it. Every name derives from the
 * stage, so nothing has to be exported from the platform's stacks.
 */
export interface PlatformReference {
  /** The platform's AWS account. */
  readonly account: string;
  /**
   * The platform's region (S3 events are forwarded within a region; custom resources call same-region functions).
   * @default - the producer stack's region
   */
  readonly region?: string;
  /** The platform's deployment stage (`dev`, `prod`, …). */
  readonly stage: string;
}

/**
 * The tag on every resource of the platform's processing stack, its functions' roles included: producer
 * bucket policies grant the platform account's principals carrying it (`aws:PrincipalTag`), not guessed
 * role names.
 */
export const PLATFORM_TAG = 'data-mesh-platform';

/** The platform's physical names, shared by its own stacks and by producers' stacks. */
export const platformNames = (stage: string) => ({
  busName: `data-mesh-${stage}`,
  registrationFunctionName: `data-mesh-${stage}-storage-registration`,
});

/** The ARNs a producer stack points at, in the producer stack's partition. */
export const platformArns = (scope: IConstruct, platform: PlatformReference) => {
  const stack = Stack.of(scope);
  const names = platformNames(platform.stage);
  const common = { account: platform.account, region: platform.region ?? stack.region };
  return {
    busArn: Arn.format(
      { ...common, service: 'events', resource: 'event-bus', resourceName: names.busName },
      stack,
    ),
    registrationFunctionArn: Arn.format(
      {
        ...common,
        service: 'lambda',
        resource: 'function',
        resourceName: names.registrationFunctionName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      stack,
    ),
  };
};
