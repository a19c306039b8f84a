import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildApp, buildProducerApp } from '../lib/app';

// Stacks are environment-agnostic unless the CLI resolved an account and region (it does when credentials exist).
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

const options = {
  env: account && region ? { account, region } : undefined,
  // The CLI says where to write (CDK_OUTDIR); run directly (`tsx bin/app.ts`), the app writes to cdk.out itself.
  outdir: process.env.CDK_OUTDIR ? undefined : fileURLToPath(new URL('../cdk.out', import.meta.url)),
};

// `-c productId=…` deploys a producer's storage (ProducerStack) instead of the platform.
const producerMode = new App({ autoSynth: false }).node.tryGetContext('productId') !== undefined;
(producerMode ? buildProducerApp(options) : buildApp(options)).app.synth();
