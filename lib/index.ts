/**
 * What producer teams use from their own CDK apps: a bucket wired to the data mesh platform, the standalone
 * stack around it, and how to point at a platform deployment.
 */
export { type PlatformReference, platformNames } from './producer/platform-reference';
export { ProducerBucket, type ProducerBucketProps } from './producer/producer-bucket';
export { ProducerStack, type ProducerStackProps } from './producer/producer-stack';
