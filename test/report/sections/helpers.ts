import type { RegistrySnapshot } from '#shared/domain/registry.ts';
import { DEFAULT_REPORT_OPTIONS, reportReadRange, type WeeklyReportOptions } from '#shared/report/options.ts';
import { type ReportContext, reportContext } from '#shared/report/sections/context.ts';
import type { IsoDay } from '#shared/time/seoul.ts';
import { type ChannelSpec, makeColumns } from '../fixtures.ts';

/** The report day of these tests: a Sunday; the week is 2026-10-26 .. 2026-11-01. */
export const DAY: IsoDay = '2026-11-01';

export const emptyRegistry = (): RegistrySnapshot => ({ channels: [], reviews: [], changes: [], mutes: [] });

/** A section's context over generated channels, the whole read range of the report day. */
export function contextOf(
  specs: ChannelSpec[],
  setup: {
    registry?: Partial<RegistrySnapshot>;
    options?: Partial<WeeklyReportOptions>;
    missing?: IsoDay[];
  } = {},
): ReportContext {
  const options = { ...DEFAULT_REPORT_OPTIONS, ...setup.options };
  const range = reportReadRange(DAY, options);
  return reportContext(
    DAY,
    makeColumns(specs, range.from, range.to, setup.missing),
    { ...emptyRegistry(), ...setup.registry },
    options,
  );
}

export const entry = (
  channelId: string,
  category: 'transactional' | 'informational' | 'advertising',
  status: 'active' | 'paused' | 'retired' = 'active',
) => ({
  channelId,
  name: `${channelId} name`,
  category,
  owner: 'kim',
  status,
  updatedAt: '2026-09-01T00:00:00.000Z',
  updatedBy: 'import',
});
