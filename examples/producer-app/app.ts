import { buildProducerExampleApp } from './producer-app';

// `npm run synth` synthesizes this app too (into cdk.out/producer-example): a producer's view of the platform.
buildProducerExampleApp().app.synth();
