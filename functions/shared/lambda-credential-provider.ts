import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (an esbuild alias in the house
 * function construct). Lambda always hands a function its role's credentials in environment variables, so the
 * SSO, INI, process and metadata-service providers of the default chain — about 90 KB of every bundle — are dead
 * code there. Locally the SDK's full default chain is used.
 */
export const defaultProvider = (_init?: unknown) => fromEnv();
