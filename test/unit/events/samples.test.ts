import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogue, findContract } from '../../../events/catalogue';
import { EventBridgeEnvelopeSchema } from '../../../events/event-contract';

const samplesDir = new URL('../../../events/samples/', import.meta.url);
const samples = readdirSync(samplesDir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, event: JSON.parse(readFileSync(new URL(file, samplesDir), 'utf8')) as unknown }));

describe('Event catalogue samples', () => {
  it.each(samples)('$file is a full EventBridge envelope that satisfies its contract', ({ event }) => {
    const envelope = EventBridgeEnvelopeSchema.parse(event);
    const contract = findContract(envelope.source, envelope['detail-type']);

    expect(contract).toBeDefined();
    expect(contract?.envelope.safeParse(event).error?.issues ?? []).toEqual([]);
  });

  it('has a sample for every event in the catalogue', () => {
    const covered = new Set(
      samples.map(({ event }) => {
        const e = EventBridgeEnvelopeSchema.parse(event);
        return `${e.source}|${e['detail-type']}`;
      }),
    );

    expect(catalogue.map((c) => `${c.source}|${c.detailType}`).filter((k) => !covered.has(k))).toEqual([]);
  });

  it('rejects a sample whose detail breaks the contract', () => {
    const broken = structuredClone(
      samples.find((s) => s.file === 'data-product-version-published.json')?.event,
    ) as {
      detail: { version: { rows: unknown } };
    };
    broken.detail.version.rows = 'many';
    const contract = findContract('datamesh.platform', 'Data Product Version Published');

    expect(contract?.envelope.safeParse(broken).success).toBe(false);
  });
});
