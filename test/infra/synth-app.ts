import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type BuildAppOptions, buildApp, type DataMeshApp } from '../../lib/app';

/** Context that makes NodejsFunction skip esbuild: unit tests check templates, not bundles. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface SynthesizedApp extends DataMeshApp {
  readonly assembly: CloudAssembly;
  readonly statefulTemplate: Template;
  readonly processingTemplate: Template;
}

/** Builds the platform app exactly as `bin/app.ts` does (cdk-nag included) and synthesizes it. */
export const synthApp = (options: BuildAppOptions = {}): SynthesizedApp => {
  const built = buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'data-mesh-cdk-')),
    ...options,
    context: { ...SKIP_BUNDLING, ...options.context },
  });
  const assembly = built.app.synth();
  return {
    ...built,
    assembly,
    statefulTemplate: Template.fromStack(built.stateful),
    processingTemplate: Template.fromStack(built.processing),
  };
};

/** A resource of a synthesized template. */
export interface TemplateResource {
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** The single resource of `type` (matching `props`) in `template`; fails unless there is exactly one. */
export const onlyResource = (template: Template, type: string, props: object = {}) => {
  const found = Object.entries(template.findResources(type, props)) as [string, TemplateResource][];
  const [first] = found;
  if (!first || found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return { logicalId: first[0], ...first[1] };
};

/** How `stack` renders `value` (a token from any stack) in its own template. */
export const rendered = (stack: Stack, value: unknown) => stack.resolve(value) as unknown;
