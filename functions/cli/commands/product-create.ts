import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parseContract } from '../../core/contracts/parse-contract';
import {
  contractFromMetadata,
  type ProductMetadata,
  ProductMetadataSchema,
  readmeFromMetadata,
} from '../../core/contracts/product-metadata';
import { type EndpointsFile, localClients, readEndpoints } from '../local-connection';
import { type Output, UsageError } from '../output';

const run = promisify(execFile);
/** How long to wait for the platform to register the pushed product before pointing at the event log. */
const REGISTRATION_TIMEOUT_MS = 20_000;
const POLL_MS = 150;

/**
 * `mesh product create <metadata.json> [--json]`: the seed's registration script. Validates the compact
 * metadata, writes the product folder (a generated ODCS contract and a README) into the data repo, commits and
 * pushes it, and shows what the platform made of the push: registered, or rejected with the reasons.
 */
export const productCreateCommand = async (
  output: Output,
  file: string | undefined,
  json: boolean,
): Promise<number> => {
  if (!file) throw new UsageError('usage: mesh product create <metadata.json> [--json]');
  const meta = await readMetadata(output, file);
  if (!meta) return 1;
  const contract = contractFromMetadata(meta);
  // The generated contract goes through the platform's own parser first: a generator bug fails here, not later.
  const parsed = parseContract(contract, { fileName: 'datacontract.yaml', productId: meta.id });
  if (!parsed.ok) {
    for (const problem of parsed.problems)
      output.err(`generated contract: ${problem.path}: ${problem.message}`);
    return 1;
  }

  const endpoints = await readEndpoints();
  if (!endpoints.dataRepo)
    throw new UsageError('this local platform has no data repo; restart it with npm start');
  const { registry } = localClients(endpoints);
  if (await registry.getProduct(meta.id)) {
    output.err(`product "${meta.id}" already exists: change its folder in the data repo instead`);
    return 1;
  }

  const work = await mkdtemp(join(tmpdir(), 'mesh-create-'));
  try {
    const sha = await commitFolder(endpoints, work, meta, contract);
    const logSize = await sizeOf(endpoints.eventLog);
    await git(join(work, 'data'), 'push', '--quiet', 'origin', `HEAD:${endpoints.dataRepoBranch ?? 'main'}`);
    const outcome = await waitForOutcome(endpoints, meta.id, logSize);
    if (json) {
      output.out(JSON.stringify({ productId: meta.id, commit: sha, ...outcome }, null, 2));
    } else if (outcome.status === 'registered') {
      output.out(
        `Created ${meta.id}/ in the data repo (commit ${sha.slice(0, 12)}) and registered "${meta.id}".`,
      );
      output.out(`Clone the data repo to add data: git clone ${endpoints.dataRepo}`);
      output.out(`See it with: mesh product show ${meta.id}`);
    } else if (outcome.status === 'rejected') {
      output.err(`The platform rejected "${meta.id}": ${outcome.message}`);
      for (const problem of outcome.errors) output.err(`  ${problem.path}: ${problem.message}`);
    } else {
      output.err(
        `Pushed ${meta.id}/ (commit ${sha.slice(0, 12)}), but it is not registered yet: see mesh events tail`,
      );
    }
    return outcome.status === 'registered' ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

const readMetadata = async (output: Output, file: string): Promise<ProductMetadata | undefined> => {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    output.err(
      `${file}: ${error instanceof SyntaxError ? `not valid JSON (${error.message})` : 'cannot be read'}`,
    );
    return undefined;
  }
  const parsed = ProductMetadataSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    output.err(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return undefined;
};

const git = (cwd: string, ...args: string[]) => run('git', args, { cwd });

/** Clones the data repo, writes the folder and commits it as the user (their git identity when they have one). */
const commitFolder = async (
  endpoints: EndpointsFile,
  work: string,
  meta: ProductMetadata,
  contract: string,
) => {
  const dir = join(work, 'data');
  await run('git', ['clone', '--quiet', endpoints.dataRepo ?? '', dir]);
  const folder = join(dir, meta.id);
  if (await stat(folder).catch(() => undefined))
    throw new UsageError(`the data repo already has a folder ${meta.id}/`);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'datacontract.yaml'), contract);
  await writeFile(join(folder, 'README.md'), readmeFromMetadata(meta));
  await git(dir, 'add', meta.id);
  const identity = (await git(dir, 'config', 'user.email').catch(() => undefined))
    ? []
    : ['-c', `user.name=${userInfo().username}`, '-c', `user.email=${userInfo().username}@localhost`];
  await git(dir, ...identity, 'commit', '--quiet', '-m', `${meta.id}: new data product "${meta.name}"`);
  return (await git(dir, 'rev-parse', 'HEAD')).stdout.trim();
};

const sizeOf = async (file: string) => (await stat(file).catch(() => undefined))?.size ?? 0;

type Outcome =
  | { status: 'registered'; contractVersion: string }
  | { status: 'rejected'; message: string; errors: { path: string; message: string }[] }
  | { status: 'pending' };

/** Polls the registry, and the bus log for a rejection of this product, until one of them answers. */
const waitForOutcome = async (
  endpoints: EndpointsFile,
  productId: string,
  logOffset: number,
): Promise<Outcome> => {
  const { registry } = localClients(endpoints);
  const deadline = Date.now() + REGISTRATION_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const product = await registry.getProduct(productId);
    if (product) return { status: 'registered', contractVersion: product.contractVersion };
    const rejected = await rejectionSince(endpoints.eventLog, logOffset, productId);
    if (rejected) return rejected;
    await delay(POLL_MS);
  }
  return { status: 'pending' };
};

const rejectionSince = async (
  eventLog: string,
  offset: number,
  productId: string,
): Promise<Outcome | undefined> => {
  const text = (await readFile(eventLog).catch(() => Buffer.alloc(0))).subarray(offset).toString('utf8');
  for (const line of text.split('\n')) {
    if (!line.includes('"Data Product Rejected"')) continue;
    const event = JSON.parse(line) as {
      detail?: {
        metadata?: { productId?: string };
        message?: string;
        errors?: { path: string; message: string }[];
      };
    };
    if (event.detail?.metadata?.productId === productId) {
      return { status: 'rejected', message: event.detail.message ?? '', errors: event.detail.errors ?? [] };
    }
  }
  return undefined;
};
