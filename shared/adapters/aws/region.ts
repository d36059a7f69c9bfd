/**
 * The region every SDK client of the Lambdas (and the CLI's AWS mode) is built for: `AWS_REGION`
 * (set by Lambda), then `AWS_DEFAULT_REGION`, else undefined to let the SDK's own chain resolve it.
 */
export function awsRegion(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}
