/**
 * The labeled sample: a year of a Korean app's CRM channels (alimtalk, push, sms), with the shapes
 * real sends have (weekly, steady, campaign bursts, monthly billing cycles), Korean holidays, channels
 * that start and retire mid-year, and injected incidents written out as labels. Pure and seeded: every
 * channel draws from its own random streams, so adding channels never changes the others.
 */
import { isKoreanHoliday, majorHoliday } from '#shared/domain/holidays.ts';
import type { ChannelDayColumns } from '#shared/ports/metrics-source.ts';
import { dayNumber, type IsoDay, isoDay, weekdayOfDayNumber } from '#shared/time/seoul.ts';
import { mixSeed, Random } from './random.ts';

export type ChannelPattern = 'weekly' | 'steady' | 'bursty' | 'monthly';
export type ChannelCategory = 'transactional' | 'informational' | 'advertising';
export type IncidentType = 'outage' | 'spike' | 'ctr_drop' | 'decline' | 'level_drop';

export interface SampleChannel {
  channelId: string;
  channelType: string;
  pattern: ChannelPattern;
  category: ChannelCategory;
  owner: string;
  name: string;
  /** First day the channel may send, and its last (retired channels); both inside the sample. */
  startDay: IsoDay;
  endDay: IsoDay;
  /** Typical sends on a full day, and typical click-through rate. */
  baseSends: number;
  baseCtr: number;
}

/** One injected incident: what happened to the channel from `from` to `to` (both included). */
export interface SampleIncident {
  channelId: string;
  type: IncidentType;
  from: IsoDay;
  to: IsoDay;
  /** Factor applied to sends (outage 0, spike > 1, drops < 1) or, for `ctr_drop`, to the CTR. */
  factor: number;
  /** The channel stays at the lower level after `to` (declines, level drops, retirement). */
  lasting: boolean;
  /** Campaign-burst channel: an outage there can look exactly like an off day (scored apart). */
  burst: boolean;
  note?: string;
}

export interface GenerateSampleOptions {
  /** Number of channels (default 400). */
  channels?: number;
  /** Days in the sample, ending at `endDay` (default 365). */
  days?: number;
  seed?: number;
  /** Last day of the sample (default 2026-10-31: a year with two Chuseoks and a Seollal). */
  endDay?: IsoDay;
  /** Incidents per channel-year (default 0.6). */
  incidentRate?: number;
  /** Days whose data arrives only partly (about 40% of the rows): late data inside the sample. */
  partialDays?: IsoDay[];
}

export interface Sample {
  from: IsoDay;
  to: IsoDay;
  seed: number;
  columns: ChannelDayColumns;
  channels: SampleChannel[];
  incidents: SampleIncident[];
  partialDays: IsoDay[];
}

export const SAMPLE_DEFAULTS = { channels: 400, days: 365, seed: 1, endDay: '2026-10-31', incidentRate: 0.6 };

const PATTERN_MIX: Record<ChannelPattern, number> = {
  weekly: 0.42,
  steady: 0.26,
  bursty: 0.18,
  monthly: 0.14,
};
const INCIDENT_MIX: Record<IncidentType, number> = {
  outage: 0.34,
  spike: 0.2,
  ctr_drop: 0.2,
  decline: 0.11,
  level_drop: 0.15,
};

const NAMES: Record<ChannelCategory, string[]> = {
  transactional: [
    '결제 완료 안내',
    '본인인증 번호',
    '월세 납부 알림',
    '미납 고지서',
    '계약 만료 안내',
    '관리비 청구서',
    '자동이체 실패 안내',
    '입금 확인',
    '환불 완료 안내',
    '전자계약 서명 요청',
  ],
  informational: [
    '월세환급 신청 안내',
    '세입자홈 새 소식',
    '집주인 답변 알림',
    '익명톡 댓글 알림',
    '리뷰 작성 요청',
    '주간 시세 리포트',
    '서비스 점검 안내',
    '관심 매물 알림',
  ],
  advertising: [
    '자리페이 혜택',
    '신규 가입 쿠폰',
    '이사 업체 할인',
    '친구 초대 리워드',
    '보험 상품 안내',
    '대출 비교 이벤트',
    '가전 렌탈 특가',
    '주말 특가 알림',
  ],
};
const BILLING_NAMES = [
  '관리비 청구서',
  '미납 고지서',
  '월세 납부 예정 안내',
  '자동이체 예정 안내',
  '월간 이용 명세서',
];
const OWNERS = [
  'CRM팀 김지은',
  'CRM팀 이도윤',
  '결제팀 박서준',
  '성장팀 최하은',
  '임대관리팀 정민재',
  '마케팅팀 한유진',
];

const BILLING_TAPER = [1, 0.55, 0.3];

/** Per-channel shape: everything the daily draw needs. */
interface Shape {
  channel: SampleChannel;
  weekdayFactor: number[];
  noiseSigma: number;
  ctrSigma: number;
  billingDay: number;
  /** Monthly channels: an ordinary day's sends as a share of the billing-day peak (reminders, follow-ups). */
  ordinaryShare: number;
  campaignChance: number;
  preHolidayBoost: number;
  holidayFactor: number;
  majorHolidayFactor: number;
}

/** Generates the sample: columns (every row), channels and incident labels. */
export function generateSample(options: GenerateSampleOptions = {}): Sample {
  const count = options.channels ?? SAMPLE_DEFAULTS.channels;
  const days = options.days ?? SAMPLE_DEFAULTS.days;
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  const last = dayNumber(options.endDay ?? SAMPLE_DEFAULTS.endDay);
  const first = last - days + 1;
  const rate = options.incidentRate ?? SAMPLE_DEFAULTS.incidentRate;
  const partial = new Set((options.partialDays ?? []).map(dayNumber));

  const calendar = dayCalendar(first, last);
  const rowChannel: number[] = [];
  const rowDay: number[] = [];
  const rowSends: number[] = [];
  const rowClicks: number[] = [];
  const channels: SampleChannel[] = [];
  const incidents: SampleIncident[] = [];

  for (let index = 0; index < count; index++) {
    const shape = channelShape(new Random(mixSeed(seed, index, 1)), index, first, last);
    channels.push(shape.channel);
    const plan = planDays(shape, calendar, first, new Random(mixSeed(seed, index, 2)));
    const channelIncidents = injectIncidents(shape, plan, first, rate, new Random(mixSeed(seed, index, 3)));
    incidents.push(...channelIncidents);
    const draw = new Random(mixSeed(seed, index, 4));
    const arrival = new Random(mixSeed(seed, index, 5));
    for (let i = 0; i < plan.mean.length; i++) {
      const mean = plan.mean[i]! * draw.lognormalFactor(shape.noiseSigma);
      const sends = draw.poisson(mean);
      const ctr = Math.min(0.9, plan.ctr[i]! * draw.lognormalFactor(shape.ctrSigma));
      const clicks = draw.binomial(sends, ctr);
      const dayNo = first + i;
      const arrived = !partial.has(dayNo) || arrival.chance(0.4);
      if (sends > 0 && arrived) {
        rowChannel.push(index);
        rowDay.push(dayNo);
        rowSends.push(sends);
        rowClicks.push(clicks);
      }
    }
  }

  const order = rowDay
    .map((_, i) => i)
    .sort((a, b) => rowDay[a]! - rowDay[b]! || rowChannel[a]! - rowChannel[b]!);
  const columns: ChannelDayColumns = {
    fromDay: first,
    toDay: last,
    channelIds: channels.map((c) => c.channelId),
    channelTypes: channels.map((c) => c.channelType),
    seenBefore: new Uint8Array(count),
    channel: Int32Array.from(order, (i) => rowChannel[i]!),
    day: Int32Array.from(order, (i) => rowDay[i]!),
    sends: Float64Array.from(order, (i) => rowSends[i]!),
    clicks: Float64Array.from(order, (i) => rowClicks[i]!),
  };
  return {
    from: isoDay(first),
    to: isoDay(last),
    seed,
    columns,
    channels,
    incidents,
    partialDays: [...partial].sort((a, b) => a - b).map(isoDay),
  };
}

/** What each day of the sample is, for the sending shapes. */
interface DayInfo {
  weekday: number;
  dayOfMonth: number;
  holiday: boolean;
  major: boolean;
  /** Within 5 days before Seollal/Chuseok: gift promotions and delivery notices peak. */
  preMajor: boolean;
  /** The 2 days after Seollal/Chuseok: transactional catch-up. */
  postMajor: boolean;
}

function dayCalendar(first: number, last: number): DayInfo[] {
  const info: DayInfo[] = [];
  for (let d = first; d <= last; d++) {
    const day = isoDay(d);
    const major = majorHoliday(day) !== undefined;
    let preMajor = false;
    let postMajor = false;
    if (!major) {
      for (let k = 1; k <= 5; k++) if (majorHoliday(isoDay(d + k))) preMajor = true;
      for (let k = 1; k <= 2; k++) if (majorHoliday(isoDay(d - k))) postMajor = true;
    }
    info.push({
      weekday: weekdayOfDayNumber(d),
      dayOfMonth: Number(day.slice(8, 10)),
      holiday: isKoreanHoliday(day),
      major,
      preMajor,
      postMajor,
    });
  }
  return info;
}

function channelShape(random: Random, index: number, first: number, last: number): Shape {
  const pattern = random.weighted(PATTERN_MIX);
  const category: ChannelCategory =
    pattern === 'monthly'
      ? 'transactional'
      : pattern === 'bursty'
        ? random.chance(0.8)
          ? 'advertising'
          : 'informational'
        : pattern === 'steady'
          ? random.chance(0.7)
            ? 'transactional'
            : 'informational'
          : random.weighted({ transactional: 0.2, informational: 0.4, advertising: 0.4 });
  const channelType =
    category === 'transactional'
      ? random.chance(0.85)
        ? 'alimtalk'
        : 'sms'
      : category === 'advertising'
        ? random.chance(0.75)
          ? 'push'
          : // Alimtalk may carry no advertising; Kakao ads go out as friendtalk.
            'friendtalk'
        : random.chance(0.5)
          ? 'push'
          : 'alimtalk';
  const span = last - first + 1;
  let start = first;
  let end = last;
  if (random.chance(0.05)) start = first + Math.floor(span * random.uniform(0.25, 0.75));
  else if (random.chance(0.03)) end = first + Math.floor(span * random.uniform(0.45, 0.9));

  // Monthly channels' base is the billing-day peak; their ordinary days send a fifth to two fifths of it.
  const baseSends = pattern === 'monthly' ? random.logUniform(200, 200_000) : random.logUniform(50, 200_000);
  const baseCtr =
    category === 'advertising'
      ? random.logUniform(0.005, 0.04)
      : category === 'informational'
        ? random.logUniform(0.015, 0.12)
        : random.logUniform(0.01, 0.1);
  const weekend =
    pattern === 'steady'
      ? random.uniform(0.75, 1)
      : category === 'transactional'
        ? random.uniform(0.4, 0.8)
        : random.uniform(0.2, 0.6);
  const weekdayFactor = [weekend, 1, 1, 1, 1, 1, weekend * random.uniform(0.9, 1.2)].map((f, wd) =>
    wd === 0 || wd === 6 ? f : f * random.uniform(0.85, 1.15),
  );
  if (pattern === 'weekly' && random.chance(0.4))
    weekdayFactor[random.int(1, 5)]! *= random.uniform(1.4, 2.2);

  const name = `${random.pick(pattern === 'monthly' ? BILLING_NAMES : NAMES[category])}${random.chance(0.4) ? ` (${random.pick(['A안', 'B안', 'v2', '신규', '재발송'])})` : ''}`;
  return {
    channel: {
      channelId: `${channelType}_${String(index + 1).padStart(4, '0')}`,
      channelType,
      pattern,
      category,
      owner: random.pick(OWNERS),
      name,
      startDay: isoDay(start),
      endDay: isoDay(end),
      baseSends,
      baseCtr,
    },
    weekdayFactor,
    noiseSigma: pattern === 'steady' ? random.uniform(0.03, 0.08) : random.uniform(0.05, 0.15),
    ctrSigma: random.uniform(0.04, 0.12),
    billingDay: random.pick([1, 5, 10, 15, 20, 25]),
    ordinaryShare: random.uniform(0.2, 0.4),
    campaignChance: random.uniform(0.06, 0.15),
    preHolidayBoost: category === 'advertising' && random.chance(0.4) ? random.uniform(1.3, 2.2) : 1,
    holidayFactor: category === 'advertising' ? random.uniform(0.3, 0.7) : random.uniform(0.7, 1),
    majorHolidayFactor: category === 'transactional' ? random.uniform(0.5, 0.85) : random.uniform(0.15, 0.45),
  };
}

/** Expected sends and CTR per day before noise; `sending` marks the days a burst channel planned a campaign. */
interface DayPlan {
  mean: number[];
  ctr: number[];
  sending: boolean[];
  startIndex: number;
  endIndex: number;
}

function planDays(shape: Shape, calendar: DayInfo[], first: number, random: Random): DayPlan {
  const { channel } = shape;
  const startIndex = dayNumber(channel.startDay) - first;
  const endIndex = dayNumber(channel.endDay) - first;
  const mean = new Array<number>(calendar.length).fill(0);
  const ctr = new Array<number>(calendar.length).fill(channel.baseCtr);
  const sending = new Array<boolean>(calendar.length).fill(false);
  let campaignLeft = 0;
  let billingPending = false;
  let billingStep = BILLING_TAPER.length;
  for (let i = startIndex; i <= endIndex; i++) {
    const info = calendar[i]!;
    const offDay = info.weekday === 0 || info.weekday === 6 || info.holiday;
    let volume = channel.baseSends * shape.weekdayFactor[info.weekday]!;
    if (info.holiday && info.weekday !== 0 && info.weekday !== 6)
      volume = channel.baseSends * shape.weekdayFactor[0]!;
    switch (channel.pattern) {
      case 'bursty': {
        if (campaignLeft === 0 && !info.major && random.chance(shape.campaignChance))
          campaignLeft = random.int(1, 3);
        if (campaignLeft > 0) {
          campaignLeft--;
          volume = channel.baseSends * random.uniform(0.6, 1.4);
          sending[i] = true;
        } else volume = random.chance(0.25) ? channel.baseSends * 0.02 : 0;
        break;
      }
      case 'monthly': {
        // Billing notices go out on the first workday on or after the billing day, then taper.
        if (info.dayOfMonth === shape.billingDay) billingPending = true;
        if (billingPending && !offDay) {
          billingPending = false;
          billingStep = 0;
        }
        if (billingStep < BILLING_TAPER.length) {
          volume = channel.baseSends * BILLING_TAPER[billingStep]! * (offDay ? 0.5 : 1);
          billingStep++;
        } else volume = channel.baseSends * shape.ordinaryShare;
        break;
      }
      default:
        sending[i] = true;
    }
    if (channel.pattern === 'monthly') sending[i] = true;
    if (info.major) volume *= shape.majorHolidayFactor;
    else if (info.holiday) volume *= shape.holidayFactor;
    if (info.preMajor) volume *= channel.category === 'transactional' ? 1.15 : shape.preHolidayBoost;
    if (info.postMajor && channel.category === 'transactional') volume *= 1.2;
    if ((info.holiday || info.major) && channel.category === 'advertising') ctr[i] = channel.baseCtr * 0.85;
    mean[i] = volume;
  }
  return { mean, ctr, sending, startIndex, endIndex };
}

/** Places incidents on the plan (mutating it) and returns their labels. */
function injectIncidents(
  shape: Shape,
  plan: DayPlan,
  first: number,
  rate: number,
  random: Random,
): SampleIncident[] {
  const { channel } = shape;
  const burst = channel.pattern === 'bursty';
  const labels: SampleIncident[] = [];
  const label = (
    type: IncidentType,
    from: number,
    to: number,
    factor: number,
    lasting: boolean,
    note?: string,
  ) =>
    labels.push({
      channelId: channel.channelId,
      type,
      from: isoDay(first + from),
      to: isoDay(first + to),
      factor: Math.round(factor * 1000) / 1000,
      lasting,
      burst,
      ...(note ? { note } : {}),
    });

  // Retirement is a lasting stop: the owner should hear once that the channel went silent.
  const retired = plan.endIndex < plan.mean.length - 1;
  if (retired) label('level_drop', plan.endIndex + 1, plan.endIndex + 1, 0, true, 'retired');

  // Incidents need six weeks of history before them (the rules' baselines) and room after.
  const earliest = plan.startIndex + 42;
  const latest = plan.endIndex - 3;
  if (latest <= earliest) return labels;
  const active = plan.endIndex - plan.startIndex + 1;
  const wanted = random.poisson((rate * active) / 365);
  const taken: [number, number][] = [];
  const free = (from: number, to: number) => taken.every(([a, b]) => to < a || from > b);
  let lastingPlaced = false;
  const activeMeans = plan.mean.slice(plan.startIndex, plan.endIndex + 1).sort((a, b) => a - b);
  const typical = activeMeans[Math.floor(activeMeans.length / 2)] ?? 0;

  for (let attempt = 0, placed = 0; placed < wanted && attempt < wanted * 20; attempt++) {
    let type = random.weighted(INCIDENT_MIX);
    const clicksPerDay = typical * channel.baseCtr;
    if (type === 'ctr_drop' && clicksPerDay < 30) type = 'outage';
    if ((type === 'decline' || type === 'level_drop') && (lastingPlaced || burst)) type = 'spike';
    const start = random.int(earliest, latest);
    // On a campaign channel every incident hits a campaign day: on an off day there is nothing to break.
    if (burst && !plan.sending[start]) continue;
    if (!burst && plan.mean[start]! < typical * 0.3 && type !== 'decline' && type !== 'level_drop') continue;

    const from = start;
    let to = start;
    let factor = 0;
    let lasting = false;
    switch (type) {
      case 'outage':
        to = Math.min(latest, start + random.int(0, 2));
        factor = 0;
        break;
      case 'spike':
        to = Math.min(latest, start + (random.chance(0.3) ? 1 : 0));
        factor = random.uniform(2.5, 6);
        break;
      case 'ctr_drop':
        to = Math.min(latest, start + random.int(1, 6));
        factor = random.uniform(0.25, 0.55);
        break;
      case 'decline':
        to = Math.min(plan.endIndex, start + random.int(21, 42));
        factor = random.uniform(0.35, 0.6);
        lasting = true;
        break;
      case 'level_drop':
        factor = random.uniform(0.3, 0.6);
        lasting = true;
        break;
    }
    // Keep incidents apart (and out of a lasting drop's settling weeks) so each label means one thing.
    const guardFrom = from - 14;
    const guardTo = lasting ? plan.endIndex : to + 28;
    if (!free(guardFrom, guardTo)) continue;
    taken.push([guardFrom, guardTo]);
    if (lasting) lastingPlaced = true;
    placed++;

    for (let i = from; i <= (lasting ? plan.endIndex : to); i++) {
      if (type === 'ctr_drop') plan.ctr[i]! *= factor;
      else if (type === 'decline')
        plan.mean[i]! *= i <= to ? 1 - ((1 - factor) * (i - from + 1)) / (to - from + 1) : factor;
      else if (type === 'spike') {
        plan.mean[i] = Math.max(plan.mean[i]!, typical * 0.5) * factor;
        plan.ctr[i]! *= 0.8;
      } else plan.mean[i]! *= factor;
    }
    label(type, from, to, factor, lasting);
  }
  return labels.sort((a, b) => (a.from < b.from ? -1 : 1));
}
