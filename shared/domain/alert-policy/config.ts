/**
 * The alert policy's settings, as the domain reads them. `shared/config/alert-policy-config.ts` parses
 * them from a file (every key optional, each with its default and why); this is what it produces.
 */
export interface AlertPolicyConfig {
  /** The policy's own baseline: weekday shape and level windows, what a clean history needs. */
  baseline: {
    shapeDays: number;
    levelDays: number;
    minCleanDays: number;
    anomalyZ: number;
    maxAnomalyRun: number;
    minScale: number;
  };
  /** What pages: how far from the baseline, how much change, a silent day, a lasting drop. */
  page: {
    minZ: number;
    runDays: number;
    minChange: number;
    minRise: number;
    silentShare: number;
    lastingDrop: number;
    usualSwings: number;
  };
  monthlyPeak: { minPeak: number; missedShare: number };
  duplicateSend: { minSendsRatio: number; maxCtrRatio: number; minJointZ: number };
  spike: { minMultiple: number; aboveHistory: number; weeks: number };
  volumeFloor: {
    minExpected: number;
    maxChance: number;
    smallCount: number;
    minSendsForCtr: number;
    minExpectedClicks: number;
  };
  /** The calendar's unusual days: learned per channel, pooled by peers, a cautious prior before either. */
  holidays: {
    enabled: boolean;
    beforeMajor: number;
    historyDays: number;
    priorWeight: number;
    minPooledDays: number;
    minSpread: number;
    priorSpread: number;
    prior: {
      holiday: { factor: number };
      major: { factor: number };
      bridge: { factor: number };
      'catch-up': { factor: number };
      'before-major': { factor: number };
    };
  };
  lateData: { minRowShare: number; minMissingRows: number; referenceWeeks: number };
  /** Campaign channels: off-day detection, schedules, the usual campaign. */
  campaign: {
    windowDays: number;
    minWindowDays: number;
    minGap: number;
    minOffShare: number;
    offShare: number;
    minAgreement: number;
    maxEveryDays: number;
    recentCampaigns: number;
    minCampaigns: number;
    minSpread: number;
    missedShare: number;
    missedTypicalShare: number;
    misfireMultiple: number;
    everyDayDays: number;
    everyDayMinOffDays: number;
  };
  incident: { regroupDays: number };
  /** Sends (or clicks) lost or extra from which a page is critical, high, medium. */
  severity: { critical: number; high: number; medium: number };
  mutedChannels: string[];
}
