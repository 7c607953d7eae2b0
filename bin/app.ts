#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AftersalesStack } from '../lib/aftersales-stack.js';

const app = new App();
new AftersalesStack(app, 'Aftersales', {
  description: 'After-sales case pipeline: signed webhooks, SQS, Step Functions, DynamoDB, SES and SMS',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
