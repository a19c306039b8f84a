import { resolve } from 'node:path';
import { parseEnv } from '../shared/env';
import * as z from '../shared/zod';

const port = z.pipe(
  z.string(),
  z.transform((value, ctx) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      ctx.issues.push({ code: 'custom', message: `"${value}" is not a TCP port (0–65535)`, input: value });
      return z.NEVER;
    }
    return n;
  }),
);

/** The local platform's settings, all overridable through the environment (documented in the README). */
export const LocalEnvSchema = z.object({
  MESH_STATE_DIR: z.optional(z.string()),
  MESH_HTTP_PORT: z._default(port, 4580),
  MESH_S3_PORT: z._default(port, 4581),
  MESH_DYNAMODB_PORT: z._default(port, 4582),
  /** DataHub's own CLI variables: when set, the catalog goes to that GMS instead of the embedded one. */
  DATAHUB_GMS_URL: z.optional(z.url()),
  DATAHUB_GMS_TOKEN: z.optional(z.string()),
  MESH_DATA_BRANCH: z._default(z.string().check(z.regex(/^[A-Za-z0-9._/-]+$/)), 'main'),
  MESH_BUCKET: z._default(z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/)), 'data-mesh-local'),
});

export interface LocalConfig {
  stateDir: string;
  ports: { http: number; s3: number; dynamodb: number };
  bucket: string;
  dataRepoBranch: string;
  datahub: { gmsUrl?: string; token?: string };
  tableName: string;
  busName: string;
  region: string;
  account: string;
}

export const loadLocalConfig = (env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LocalConfig => {
  const e = parseEnv(LocalEnvSchema, env);
  return {
    stateDir: resolve(cwd, e.MESH_STATE_DIR ?? '.mesh'),
    ports: { http: e.MESH_HTTP_PORT, s3: e.MESH_S3_PORT, dynamodb: e.MESH_DYNAMODB_PORT },
    bucket: e.MESH_BUCKET,
    dataRepoBranch: e.MESH_DATA_BRANCH,
    datahub: {
      ...(e.DATAHUB_GMS_URL ? { gmsUrl: e.DATAHUB_GMS_URL } : {}),
      ...(e.DATAHUB_GMS_TOKEN ? { token: e.DATAHUB_GMS_TOKEN } : {}),
    },
    tableName: 'data-mesh-local-registry',
    busName: 'data-mesh-local',
    region: 'us-east-1',
    account: '000000000000',
  };
};
