import { z } from 'zod';
import type { AlertPolicyConfig } from '#shared/domain/alert-policy/config.ts';
import type { DetectionConfig } from '#shared/domain/rules/config.ts';
import type { WeeklyReportOptions } from '#shared/report/weekly.ts';
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

const reportSchema = z
  .strictObject({
    /** Registry categories whose messages are not meant to be clicked (codes, receipts): never low performers. */
    notClickedCategories: z.array(z.string().trim().min(1)).default(['transactional']),
  })
  .prefault({});

export const crmGuardConfigSchema = z.strictObject({
  detection: detectionConfigSchema.optional(),
  alertPolicy: alertPolicyConfigSchema.optional(),
  digest: digestSchema.optional(),
  report: reportSchema.optional(),
});

export interface CrmGuardConfig {
  detection: DetectionConfig;
  alertPolicy: AlertPolicyConfig;
  digest: { quietDay: boolean };
  report: { notClickedCategories: string[] };
}

function complete(parsed: z.output<typeof crmGuardConfigSchema>): CrmGuardConfig {
  return {
    detection: parsed.detection ?? parseConfig(detectionConfigSchema, {}),
    alertPolicy: parsed.alertPolicy ?? parseConfig(alertPolicyConfigSchema, {}),
    digest: parsed.digest ?? parseConfig(digestSchema, {}),
    report: parsed.report ?? parseConfig(reportSchema, {}),
  };
}

export function parseCrmGuardConfig(input: unknown, source = 'config'): CrmGuardConfig {
  return complete(parseConfig(crmGuardConfigSchema, input ?? {}, source));
}

export function loadCrmGuardConfig(path: string | undefined): CrmGuardConfig {
  return path ? complete(loadConfigFile(crmGuardConfigSchema, path)) : parseCrmGuardConfig({});
}

/** The weekly report's thresholds: the detection rules' own (one truth), and the report's categories. */
export function reportOptionsOf(config: CrmGuardConfig): Partial<WeeklyReportOptions> {
  const { rules } = config.detection;
  return {
    lowPerformer: { ...rules.lowPerformer },
    minSendsForRatio: rules.minSendsForRatio,
    minHistoryDays: rules.minHistoryDays,
    notClickedCategories: config.report.notClickedCategories,
    incidentGapDays: config.alertPolicy.incident.regroupDays,
  };
}
