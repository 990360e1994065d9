import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { stackPropsFromContext } from './context';
import { UrgentDeliberationStack } from './stack';

const app = new App();
// No env: the template is account- and region-agnostic, so `cdk synth` needs no credentials.
new UrgentDeliberationStack(app, 'UrgentDeliberation', {
  ...stackPropsFromContext(app.node),
  description: 'Urgent deletion orders with committee post-review, appeals and fines',
});
// Any unacknowledged AwsSolutions or Serverless finding fails synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }), new ServerlessChecks(app, { verbose: true }));
