import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalGitProvider } from '../../adapters/git/local-git-provider';
import { S3ObjectStore } from '../../adapters/s3/s3-object-store';
import { isGitFile } from '../../core/file-ref';
import { QueryError, queryProducts } from '../../local/query/query-products';
import { localClients, readEndpoints } from '../local-connection';
import { type Output, table, UsageError } from '../output';

/** `mesh query "<sql>" [--json]`: SQL over every registered product (DuckDB, embedded). */
export const queryCommand = async (
  output: Output,
  sql: string | undefined,
  json: boolean,
): Promise<number> => {
  if (!sql) throw new UsageError('usage: mesh query "SELECT … FROM <product>" [--json]');
  const endpoints = await readEndpoints();
  const { registry, s3 } = localClients(endpoints);
  const objects = new S3ObjectStore(s3);
  const git = endpoints.dataRepo ? new LocalGitProvider(endpoints.dataRepo) : undefined;
  const workDir = await mkdtemp(join(tmpdir(), 'mesh-query-'));
  try {
    const result = await queryProducts(
      {
        registry,
        readVersion: async (version) => {
          const ref = version.object;
          if (!isGitFile(ref)) return objects.read(ref.bucket, ref.key);
          if (!git) throw new QueryError('this platform has no local data repo to read git versions from');
          return git.readFile(undefined, ref.commit, ref.path);
        },
      },
      sql,
      workDir,
    );
    if (json) {
      output.out(
        JSON.stringify(
          result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]]))),
          null,
          2,
        ),
      );
    } else {
      output.out(
        table([
          result.columns,
          ...result.rows.map((row) => row.map((v) => (v === null ? 'NULL' : String(v)))),
        ]),
      );
      output.out(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
    }
    return 0;
  } catch (error) {
    if (error instanceof QueryError) {
      output.err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
};
