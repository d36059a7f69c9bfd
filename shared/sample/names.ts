/** What the sample's channels are called and who owns them (a Korean rental app's CRM team). */
import type { CampaignSchedule } from '#shared/domain/channel-facts.ts';
import type { ChannelCategory } from './types.ts';

export const NAMES: Record<ChannelCategory, string[]> = {
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

export const BILLING_NAMES = [
  '관리비 청구서',
  '미납 고지서',
  '월세 납부 예정 안내',
  '자동이체 예정 안내',
  '월간 이용 명세서',
];

/** Due-date channels: a notice on the due day and reminders before it. */
export const DUE_DATE_NAMES = [
  '월세 납부일 안내',
  '관리비 납부 마감 알림',
  '카드 결제일 안내',
  '대출 이자 납부 안내',
  '자동이체 출금 예정',
];

/** Scheduled campaigns, by how often they go out: weekly deals, fortnightly news, month-start coupons. */
export const CAMPAIGN_NAMES: Record<CampaignSchedule['kind'], string[]> = {
  weekdays: ['주간 특가 모음', '금요일 타임딜', '주간 뉴스레터', '이번 주 인기 매물'],
  every: ['격주 혜택 알림', '격주 동네 소식', '격주 이사 체크리스트'],
  'days-of-month': ['월초 쿠폰 발송', '월말 결산 이벤트', '월간 시세 리포트'],
};

export const NAME_SUFFIXES = ['A안', 'B안', 'v2', '신규', '재발송'];

export const OWNERS = [
  'CRM팀 김지은',
  'CRM팀 이도윤',
  '결제팀 박서준',
  '성장팀 최하은',
  '임대관리팀 정민재',
  '마케팅팀 한유진',
];
