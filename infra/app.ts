/**
 * CDK app entry (cdk.json: `node infra/app.ts`). Choose the stage with `-c stage=prod`.
 * All construction lives in build-app.ts so tests can synthesize without this file's side effects.
 */
import { buildApp } from './build-app.ts';

const { app } = buildApp();
app.synth();
