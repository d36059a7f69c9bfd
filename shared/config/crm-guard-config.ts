import { z } from 'zod';
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { DetectionConfig } from '#shared/domain/rules/config.ts';
import { alertPolicyConfigSchema } from './alert-policy-config.ts';
import { detectionConfigSchema } from './detection-config.ts';
import { loadConfigFile, parseConfig } from './load.ts';

/**
 * The whole of crm-guard's tunable behaviour, one file (`crm-guard.config.json`, or the
 * CRM_GUARD_CONFIG variable in AWS): the seed rules' thresholds, globally and per channel, and the
 * alert policy of the `default` profile. Every key is optional; an unknown or bad one is refused by name.
 */
const digestSchema = z
  .strictObject({
    /** A day with nothing to page still sends a short digest ("N channels judged, nothing needs you today"). */
    quietDay: z.boolean().default(true),
  })
  .prefault({});

export const crmGuardConfigSchema = z.strictObject({
  detection: detectionConfigSchema.optional(),
  alertPolicy: alertPolicyConfigSchema.optional(),
  digest: digestSchema.optional(),
});

export interface CrmGuardConfig {
  detection: DetectionConfig;
  alertPolicy: AlertPolicyConfig;
  digest: { quietDay: boolean };
}

function complete(parsed: z.output<typeof crmGuardConfigSchema>): CrmGuardConfig {
  return {
    detection: parsed.detection ?? parseConfig(detectionConfigSchema, {}),
    alertPolicy: parsed.alertPolicy ?? parseConfig(alertPolicyConfigSchema, {}),
    digest: parsed.digest ?? parseConfig(digestSchema, {}),
  };
}

export function parseCrmGuardConfig(input: unknown, source = 'config'): CrmGuardConfig {
  return complete(parseConfig(crmGuardConfigSchema, input ?? {}, source));
}

export function loadCrmGuardConfig(path: string | undefined): CrmGuardConfig {
  return path ? complete(loadConfigFile(crmGuardConfigSchema, path)) : parseCrmGuardConfig({});
}
