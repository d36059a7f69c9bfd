/** Late data: a day that has not fully arrived shows missing rows as drops; none of them pages. */
import type { LookContext } from '../context.ts';
import { hold, type Verdict } from '../verdict.ts';

const LATE = hold('late_data');

export function lateDrop({ run, look, dayNo }: LookContext): Verdict | undefined {
  return look.down && run.late.has(dayNo) ? LATE : undefined;
}
