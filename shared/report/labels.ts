import type { HealthStatus } from './model.ts';

export const LOCALES = ['ko', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const en = {
  title: 'Weekly channel report',
  week: 'Week',
  generated: 'Generated',
  summary: 'Summary',
  channels: 'Channels',
  sends: 'Sends',
  clicks: 'Clicks',
  ctr: 'CTR',
  trend: 'vs last week',
  chart8w: 'Sends, 8 weeks',
  status: 'Status',
  channel: 'Channel',
  type: 'Type',
  owner: 'Owner',
  category: 'Category',
  health: 'Health of every channel',
  incidents: 'Incidents this week',
  noIncidents: 'No incident paged this week.',
  judgedDays: (judged: number, missing: string) =>
    `detection ran on ${judged} of 7 days; not judged: ${missing} (\`crm-guard detect --date DAY\` judges one)`,
  noIncidentsOnJudged: (judged: number) => `No incident paged on the ${judged} days judged.`,
  metric: 'Metric',
  rules: 'Rules',
  severity: 'Severity',
  days: 'Days',
  actual: 'Actual',
  expected: 'Expected',
  band: 'Expected band',
  impact: (unit: 'sends' | 'clicks') => `Impact (${unit})`,
  bandNote:
    'Line: the day\u2019s value. Dashed line: the value detection expected, on each day it flagged the channel. Grey band: the range one day on its own must leave to page (a page on a change over several days, a level below three weeks ago, a small count or a multiple of the usual states no range, and its day shows none). Red dots: the incident\u2019s days (paged, or grouped into its page).',
  lowPerformers: 'Low performers',
  lowPerformersNote: (minSends: string, maxCtr: string, days: number, asOf: string) =>
    `Rule 5 as detection judged it on ${asOf}: ${days}-day sends of at least ${minSends} with a CTR under ${maxCtr}, costliest first (sends nobody clicked), with the owners\u2019 latest decision. Channels not meant to be clicked (by category) are left out.`,
  lowPerformersNotJudged: 'Detection did not run this week: no ranking to show.',
  lowPerformersBlocked: (missing: string, days: number, day: string) =>
    `No ranking this week: rule 5 sums ${days} whole days, and every run of the week lacked one (no data for ${missing}). Once it arrives, \`crm-guard detect --date ${day}\` ranks the week.`,
  laterRunsBlocked: (missing: string) => ` Later runs lacked a day of data (${missing}) and could not rank.`,
  lowPerformersTooYoung: (dataFrom: string, days: number, firstRanking: string) =>
    `No ranking yet: rule 5 sums ${days} whole days, and the data starts on ${dataFrom}. The run of ${firstRanking} ranks first.`,
  noLowPerformers: 'No low performer this week.',
  unclicked: 'Unclicked sends',
  reviewQueue: 'Review queue',
  reviewQueueNote:
    'The decisions still open (keep, redesign, retire), by owner: the review\u2019s agenda. Each channel\u2019s figures are in the ranking above.',
  andMore: (n: number) => `and ${n} more`,
  noOpenDecisions: 'No open decision: every low performer has one.',
  openDecisions: 'Open decisions',
  decision: 'Decision',
  note: 'Note',
  decidedBy: 'By',
  decidedAt: 'When',
  open: 'open',
  changeImpact: 'Change impact',
  changeImpactNote:
    'Equal windows before and from the change day (the change day counts as after), at most 14 days each. Lift CI: log ratio (Katz); difference CI: Wald; test: pooled two-proportion z-test, two-sided.',
  noChanges: 'No change recorded in the last 90 days.',
  verdicts: "The team's verdicts",
  verdict: 'Team verdict',
  verdictsNote:
    'Precision as the team judged it: confirmed over confirmed and false alarms (crm-guard feedback).',
  confirmed: 'Confirmed',
  falseAlarm: 'False alarm',
  expectedVerdict: 'Expected',
  precision: 'Precision',
  rule: 'Rule',
  muted: 'Muted channels',
  mutedNote: 'Their findings are recorded but page nobody while muted (crm-guard channels mute / unmute).',
  mutedFrom: 'From',
  mutedUntil: 'Until',
  untilUnmuted: 'until unmuted',
  reason: 'Reason',
  mutedBy: 'Muted by',
  change: 'Change',
  changeDay: 'Change day',
  window: 'Window (days)',
  before: 'Before: CTR · sends / clicks per day',
  after: 'After: CTR · sends / clicks per day',
  volume: 'Volume',
  lift: 'CTR lift',
  ci95: '95% CI',
  test: 'Two-proportion test',
  daysUnit: ' days',
  significant: 'significant',
  notSignificant: 'not significant',
  notEnoughData: 'not enough data yet',
  freshness: 'Data freshness',
  lastDataDay: 'Latest data',
  linkWorksUntil: 'The link works until',
  missingDays: 'Days with no data',
  none: 'none',
  run: 'Detection run',
  runDay: 'Day',
  finishedAt: 'Finished',
  findings: 'Findings',
  alerts: 'Alerts',
  notRun: 'did not run',
  perDay: '/day',
  unassigned: 'unassigned',
  files: 'Same tables as CSV and JSON beside this file.',
  /** The tables' filter box (the page's script fills the placeholders). */
  filterRows: 'Filter rows',
  rowsShown: '{shown} of {total} rows',
};

export type Labels = typeof en;

const ko: Labels = {
  title: 'CRM 채널 주간 리포트',
  week: '기간',
  generated: '생성',
  summary: '요약',
  channels: '채널',
  sends: '발송',
  clicks: '클릭',
  ctr: '클릭률',
  trend: '전주 대비',
  chart8w: '발송 추이 (8주)',
  status: '상태',
  channel: '채널',
  type: '유형',
  owner: '담당자',
  category: '분류',
  health: '전체 채널 현황',
  incidents: '이번 주 이상 발생',
  noIncidents: '이번 주 알림이 나간 이상은 없습니다.',
  judgedDays: (judged: number, missing: string) =>
    `7일 중 ${judged}일만 탐지 실행; 판단하지 않은 날: ${missing} (\`crm-guard detect --date 날짜\`로 판단)`,
  noIncidentsOnJudged: (judged: number) => `판단한 ${judged}일 동안 알림이 나간 이상은 없습니다.`,
  metric: '지표',
  rules: '규칙',
  severity: '심각도',
  days: '일수',
  actual: '실제',
  expected: '기대값',
  band: '기대 범위',
  impact: (unit: 'sends' | 'clicks') => `영향 (${unit === 'sends' ? '발송' : '클릭'})`,
  bandNote:
    '선: 그날의 값. 점선: 탐지가 이상을 본 날마다 기대한 값. 회색 띠: 하루치 값만으로 알림이 나가려면 벗어나야 하는 범위(며칠 이어진 변화, 3주 전보다 낮아진 수준, 적은 건수, 평소의 몇 배로 나간 알림은 범위를 밝히지 않으며 그날에는 띠가 없음). 빨간 점: 이 이상의 날(알림이 나갔거나, 이미 나간 알림에 묶인 날).',
  lowPerformers: '저성과 채널',
  lowPerformersNote: (minSends: string, maxCtr: string, days: number, asOf: string) =>
    `규칙 5, ${asOf} 탐지 기준: 최근 ${days}일 발송 ${minSends}건 이상, 클릭률 ${maxCtr} 미만. 아무도 클릭하지 않은 발송이 많은 순이며 담당자의 최근 결정을 함께 보여 줍니다. 클릭을 기대하지 않는 카테고리의 채널은 제외합니다.`,
  lowPerformersNotJudged: '이번 주에는 탐지가 실행되지 않아 순위가 없습니다.',
  lowPerformersBlocked: (missing: string, days: number, day: string) =>
    `이번 주 순위가 없습니다: 규칙 5는 ${days}일치를 모두 합산하는데, 이번 주의 모든 탐지 실행에 데이터가 없는 날(${missing})이 있었습니다. 데이터가 도착하면 \`crm-guard detect --date ${day}\`로 이번 주 순위를 만듭니다.`,
  laterRunsBlocked: (missing: string) =>
    ` 이후 실행은 데이터가 없는 날(${missing})이 있어 순위를 매기지 못했습니다.`,
  lowPerformersTooYoung: (dataFrom: string, days: number, firstRanking: string) =>
    `아직 순위가 없습니다: 규칙 5는 ${days}일치를 모두 합산하는데, 데이터가 ${dataFrom}부터 있습니다. ${firstRanking} 실행부터 순위를 매깁니다.`,
  noLowPerformers: '이번 주 저성과 채널은 없습니다.',
  unclicked: '미클릭 발송',
  reviewQueue: '리뷰 대기열',
  reviewQueueNote:
    '아직 결정(유지·재설계·폐기)하지 않은 저성과 채널을 담당자별로 모았습니다. 리뷰 회의의 안건이며, 채널별 수치는 위 순위표에 있습니다.',
  andMore: (n: number) => `외 ${n}개`,
  noOpenDecisions: '미결정 채널이 없습니다. 모든 저성과 채널에 결정이 있습니다.',
  openDecisions: '미결정',
  decision: '결정',
  note: '메모',
  decidedBy: '결정자',
  decidedAt: '결정일',
  open: '미결정',
  changeImpact: '변경 효과',
  changeImpactNote:
    '변경일 전후 같은 길이(최대 14일)의 기간 비교 (변경일은 이후에 포함). 상승률 CI: 로그 비(Katz), 차이 CI: Wald, 검정: 합동 비율 2-표본 z-검정(양측).',
  noChanges: '최근 90일간 기록된 변경이 없습니다.',
  verdicts: '팀 판정',
  verdict: '팀 판정',
  verdictsNote: '팀이 판정한 정밀도: 확인 / (확인 + 오경보) (crm-guard feedback).',
  confirmed: '확인',
  falseAlarm: '오경보',
  expectedVerdict: '예상됨',
  precision: '정밀도',
  rule: '규칙',
  muted: '알림을 끈 채널',
  mutedNote:
    '알림을 끈 동안 발견 사항은 기록되지만 누구에게도 알리지 않습니다 (crm-guard channels mute / unmute).',
  mutedFrom: '시작',
  mutedUntil: '종료',
  untilUnmuted: '해제할 때까지',
  reason: '사유',
  mutedBy: '설정한 사람',
  change: '변경 내용',
  changeDay: '변경일',
  window: '비교 기간 (일)',
  before: '이전: 클릭률 · 일평균 발송/클릭',
  after: '이후: 클릭률 · 일평균 발송/클릭',
  volume: '발송량',
  lift: '클릭률 상승',
  ci95: '95% 신뢰구간',
  test: '비율 검정',
  daysUnit: '일',
  significant: '유의함',
  notSignificant: '유의하지 않음',
  notEnoughData: '아직 데이터 부족',
  freshness: '데이터 최신성',
  lastDataDay: '최신 데이터',
  linkWorksUntil: '링크 유효 기간:',
  missingDays: '데이터 없는 날',
  none: '없음',
  run: '탐지 실행',
  runDay: '날짜',
  finishedAt: '완료 시각',
  findings: '탐지',
  alerts: '알림',
  notRun: '실행 안 됨',
  perDay: '/일',
  unassigned: '미지정',
  files: '같은 표를 CSV와 JSON으로 이 파일 옆에 저장했습니다.',
  filterRows: '행 검색',
  rowsShown: '{total}행 중 {shown}행',
};

export const STATUS_LABELS: Record<Locale, Record<HealthStatus, string>> = {
  en: {
    anomalous: 'anomalous this week',
    silent: 'sent nothing this week',
    low_performer: 'low performer',
    insufficient_history: 'insufficient history',
    healthy: 'healthy',
    paused: 'paused',
    retired: 'retired',
  },
  ko: {
    anomalous: '이번 주 이상',
    silent: '이번 주 발송 없음',
    low_performer: '저성과',
    insufficient_history: '이력 부족',
    healthy: '정상',
    paused: '일시 중지',
    retired: '폐기',
  },
};

export const DECISION_LABELS: Record<Locale, Record<string, string>> = {
  en: { keep: 'keep', redesign: 'redesign', retire: 'retire' },
  ko: { keep: '유지', redesign: '재설계', retire: '폐기' },
};

/** The team's verdicts on a page, as the digest's links and `crm-guard feedback` name them. */
export const VERDICT_LABELS: Record<Locale, Record<string, string>> = {
  en: { confirmed: 'confirmed', 'false-alarm': 'false alarm', expected: 'expected' },
  ko: { confirmed: '실제 이상', 'false-alarm': '오탐', expected: '예상된 변화' },
};

export const SEVERITY_LABELS: Record<Locale, Record<string, string>> = {
  en: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info' },
  ko: { critical: '심각', high: '높음', medium: '보통', low: '낮음', info: '정보' },
};

export const CATEGORY_LABELS: Record<Locale, Record<string, string>> = {
  en: {
    transactional: 'transactional',
    informational: 'informational',
    advertising: 'advertising',
    unknown: '-',
  },
  ko: { transactional: '거래성', informational: '정보성', advertising: '광고성', unknown: '-' },
};

export const METRIC_LABELS: Record<Locale, Record<string, string>> = {
  en: { sends: 'sends', clicks: 'clicks', ctr: 'CTR' },
  ko: { sends: '발송', clicks: '클릭', ctr: '클릭률' },
};

export function labelsFor(locale: Locale): Labels {
  return locale === 'ko' ? ko : en;
}
