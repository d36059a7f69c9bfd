import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportWriter } from '#shared/report/render-data.ts';
import { REPORT_HTML } from '#shared/report/render-data.ts';

/** Writes a report's files into `<dir>/<folder>/` (replacing an earlier report there); returns the HTML's path. */
export function createFolderReportWriter(dir: string): ReportWriter {
  return {
    async write(day, files) {
      const folder = resolve(join(dir, day));
      mkdirSync(folder, { recursive: true });
      for (const file of files) writeFileSync(join(folder, file.name), file.body, 'utf8');
      return { location: join(folder, REPORT_HTML) };
    },
  };
}
