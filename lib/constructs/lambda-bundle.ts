import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How every Lambda bundle is built: the house function passes this to CDK's esbuild, and `npm run bench`
 * builds with the very same settings to report bundle sizes.
 */
export const LAMBDA_BUNDLE = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  // No keepNames (+5%): the platform's errors carry explicit `name`s and the SDK's set their own.
  keepNames: false,
  mainFields: ['module', 'main'],
  // ESM bundles have no `require`; some bundled CommonJS dependencies still call it.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  /**
   * Substitutions that hold inside Lambda only, each worth its bytes:
   * - Lambda hands a function its role's credentials in environment variables, so the SDK's default chain
   *   (SSO, INI files, web identity, metadata service: ~110 KB with its nested clients) becomes `fromEnv`;
   * - `yaml` resolves to CommonJS for Node, which esbuild cannot tree-shake; its ESM build is the same code;
   * - DynamoDB's endpoint-discovery cache needs five methods of an LRU cache, not mnemonist (~7 KB).
   */
  aliases: {
    'mnemonist/lru-cache': `${REPO_ROOT}functions/shared/lru-cache.ts`,
    '@aws-sdk/credential-provider-node': `${REPO_ROOT}functions/shared/lambda-credential-provider.ts`,
    yaml: `${REPO_ROOT}node_modules/yaml/browser/index.js`,
  },
} as const;
