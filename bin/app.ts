import { buildApp } from '../lib/app';

// Stacks are environment-agnostic unless the CLI resolved an account and region (it does when credentials exist).
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

buildApp({ env: account && region ? { account, region } : undefined }).app.synth();
