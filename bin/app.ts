import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '#shared/errors.ts';
import { addCrmGuard } from '../lib/app.ts';

// The CDK app (`npx cdk synth`, `-c env=prod` for production). cdk-nag runs on every synth.
const app = new App();
try {
  addCrmGuard(app);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
