/**
 * The e-mails the system sends, in Korean and English, as plain text and HTML built from the
 * same blocks so the two never say different things. Pure: the caller passes the order, its
 * operator, the policy and what happened. An operator notice is built only from the order and the
 * URLs the caller gives (that operator's own), so a reporter's identity, a case summary or another
 * operator's URLs cannot reach it.
 */
import { formatForPeople } from '../domain/time-for-people';
import { isComplied, orderNoticeObjection } from '../domain/orders';
import { breakdownLabel, money, percent } from '../domain/fine-words';
import type { Category, DeadlineChange, Fine, FineDecision, LANGUAGES, Operator, OrderAction, OrderRecord } from '../domain/model';
import { assertNever } from '../domain/model';
import type { Partner } from '../domain/partners';
import { durationToMs, type Policy } from '../domain/policy';
import type { PartnerUpdateRecord } from '../domain/partner-updates';
import type { ReferralRecord, ReferralStatusMessage } from '../domain/referrals';
import { reporterOutcomeText, type ReporterUrlOutcome } from '../domain/reporter';
import type { Remedy, StatementOfReasons } from '../domain/reasons';
import { countOf, withParticle } from './words';

export type Language = (typeof LANGUAGES)[number];

/** What happened to an order, as the operator is told. */
export type OperatorNotice =
  /** `deadlineAt`: the deadline this notice states, fixed when it is written (its clock starts when SES accepts it). */
  /** `objectionCode`: the code the operator may pass on to the poster, who objects with it on the public page. */
  | { kind: 'ORDER'; urls: string[]; deadlineAt: string; reasons: StatementOfReasons; objectionCode?: string }
  | { kind: 'REMINDER'; reminderAt: string }
  | { kind: 'OVERDUE' }
  | { kind: 'REVOKED' }
  | { kind: 'CONFIRMED' }
  | { kind: 'APPEAL_OUTCOME'; outcome: 'UPHELD' | 'OVERTURNED' }
  /** FINE: the fine is proposed (the operator may state its opinion); FINE_DECISION: staff decided it. */
  | { kind: 'FINE' | 'FINE_DECISION'; fine: Fine }
  /** Staff extended, paused or resumed the deadline: what the notice states is the change's. */
  | { kind: 'DEADLINE_CHANGED'; change: DeadlineChange }
  /** Restore the content (a DELETE order) or lift the block (BLOCK_ACCESS) of a lifted order; `reminder`: not answered yet. */
  | { kind: 'REINSTATE'; reminder?: boolean; urls?: string[] }
  /** Post-monitoring found these URLs of a complied order still online (`checkedAt`: when). */
  | { kind: 'STILL_ONLINE'; urls: string[]; checkedAt: string };

/** A short message for the commission's staff; the caller writes the subject and lines. */
export interface StaffAlert {
  subject: string;
  lines: readonly string[];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Where people reach the system: the web UI's and the API's public base URLs, without a trailing slash. */
export interface NoticeLinks {
  web: string;
  api: string;
}

export interface OperatorNoticeInput {
  order: OrderRecord;
  operator: Pick<Operator, 'name' | 'language'>;
  policy: Pick<
    Policy,
    'id' | 'jurisdiction' | 'timeZone' | 'legalBasis' | 'appealWindow' | 'complianceDeadline' | 'authority' | 'fines' | 'objectionWindow'
  >;
  notice: OperatorNotice;
  links: NoticeLinks;
}

// ------------------------------------------------------------------------------ blocks to e-mail

type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'fields'; rows: [label: string, value: string][] }
  | { type: 'list'; items: string[]; code?: boolean }
  /** A page of the web UI: a link in HTML, the address on its own line in text. */
  | { type: 'link'; label: string; href: string };

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A subject is one header line: a line break in it would start another header. */
/**
 * Text that someone typed (a name, a reason SES gave) as one line: no line break, control,
 * bidirectional or zero-width character can forge a line or reorder what a reader sees.
 */
function oneLine(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function toText(blocks: readonly Block[]): string {
  return `${blocks
    .map((block) => {
      switch (block.type) {
        case 'heading':
          return `■ ${block.text}`;
        case 'paragraph':
          return block.text;
        case 'fields':
          return block.rows.map(([label, value]) => `${label}: ${value}`).join('\n');
        case 'list':
          return block.items.map((item) => `- ${item}`).join('\n');
        case 'link':
          return `${block.label}:\n${block.href}`;
        default:
          return assertNever(block, 'block');
      }
    })
    .join('\n\n')}\n`;
}

function toHtml(blocks: readonly Block[], lang: Language, title: string): string {
  const body = blocks
    .map((block) => {
      switch (block.type) {
        case 'heading':
          return `<h2 style="font-size:16px;margin:20px 0 8px">${escapeHtml(block.text)}</h2>`;
        case 'paragraph':
          return `<p style="margin:0 0 12px;white-space:pre-line">${escapeHtml(block.text)}</p>`;
        case 'fields':
          return `<table style="border-collapse:collapse;margin:0 0 12px">${block.rows
            .map(
              ([label, value]) =>
                `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(label)}</th>` +
                `<td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
            )
            .join('')}</table>`;
        case 'list':
          // URLs are shown as text, never as links: a notice must not lead anyone to the content.
          return `<ul style="margin:0 0 12px">${block.items
            .map((item) => `<li>${block.code ? `<code style="word-break:break-all">${escapeHtml(item)}</code>` : escapeHtml(item)}</li>`)
            .join('')}</ul>`;
        case 'link':
          return `<p style="margin:0 0 12px">${escapeHtml(block.label)}: <a href="${escapeHtml(block.href)}">${escapeHtml(block.href)}</a></p>`;
        default:
          return assertNever(block, 'block');
      }
    })
    .join('\n');
  return (
    `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n` +
    `<body style="font-family:sans-serif;font-size:14px;line-height:1.5;color:#111">\n${body}\n</body></html>\n`
  );
}

function email(subject: string, blocks: readonly Block[], lang: Language): RenderedEmail {
  const line = oneLine(subject);
  return { subject: line, text: toText(blocks), html: toHtml(blocks, lang, line) };
}

// ------------------------------------------------------------------------------- words and times

type Words = { ko: string; en: string };
const say = (lang: Language, words: Words): string => words[lang];

const UNITS = [
  { ms: 86_400_000, ko: '일', en: 'day' },
  { ms: 3_600_000, ko: '시간', en: 'hour' },
  { ms: 60_000, ko: '분', en: 'minute' },
  { ms: 1000, ko: '초', en: 'second' },
] as const;

const TWO_DAYS_MS = 2 * 86_400_000;

/**
 * "15 days", "36 hours", "15일", "2시간 30분": the two largest units, rounded down. Below two days
 * the hours are counted, as deadlines are spoken of ("24 hours", not "1 day").
 */
export function durationInWords(ms: number, lang: Language): string {
  let rest = Math.max(0, ms);
  const parts: string[] = [];
  for (const unit of rest < TWO_DAYS_MS ? UNITS.slice(1) : UNITS) {
    const count = Math.floor(rest / unit.ms);
    rest -= count * unit.ms;
    if (count > 0 && parts.length < 2)
      parts.push(lang === 'ko' ? `${count}${unit.ko}` : countOf(count, { one: unit.en, other: `${unit.en}s` }));
    else if (parts.length > 0) break;
  }
  if (parts.length === 0) return lang === 'ko' ? '1초 미만' : 'less than a second';
  return parts.join(' ');
}

/** Both times a person may need: UTC (exact, as the API shows it) and the policy's local time. */
function timeRows(label: Words, at: string, timeZone: string, lang: Language): [string, string][] {
  return [
    [`${say(lang, label)} (UTC)`, at],
    [`${say(lang, label)} (${timeZone})`, formatForPeople(at, timeZone, lang, 'second')],
  ];
}

const CATEGORY_WORDS: Record<Category, Words> = {
  ILLEGAL_FILMING: { ko: '불법촬영물', en: 'Illegally filmed material' },
  SYNTHETIC_SEXUAL_IMAGERY: { ko: '허위영상물(딥페이크 등)', en: 'Synthetic sexual imagery (deepfakes)' },
  CHILD_SEXUAL_EXPLOITATION: { ko: '아동·청소년성착취물', en: 'Child sexual exploitation material' },
  NON_CONSENSUAL_DISTRIBUTION: { ko: '동의 없이 유포된 촬영물', en: 'Intimate images distributed without consent' },
};

function regionName(code: string, lang: Language): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function actionWords(action: OrderAction, jurisdiction: string, lang: Language): string {
  switch (action) {
    case 'DELETE':
      return say(lang, { ko: '아래 URL의 게시물을 삭제', en: 'Delete the content at each URL below' });
    case 'BLOCK_ACCESS': {
      const region = regionName(jurisdiction, lang);
      return say(lang, {
        ko: `아래 URL의 게시물에 대한 ${region} 내 접속을 차단`,
        en: `Block access from ${region} to the content at each URL below`,
      });
    }
    case 'DELETE_REQUEST':
      return say(lang, { ko: '아래 URL의 게시물 삭제를 권고', en: 'Please delete the content at each URL below (a request)' });
    default:
      return assertNever(action, 'order action');
  }
}

function shortAction(action: OrderAction, lang: Language): string {
  switch (action) {
    case 'DELETE':
      return say(lang, { ko: '삭제 요청', en: 'removal order' });
    case 'BLOCK_ACCESS':
      return say(lang, { ko: '접속차단 요청', en: 'access-blocking order' });
    case 'DELETE_REQUEST':
      return say(lang, { ko: '삭제 권고', en: 'deletion request' });
    default:
      return assertNever(action, 'order action');
  }
}

// ------------------------------------------------------------------------------ shared passages

/**
 * Acts are POSTs with the operator's sign-in token, never links: a link carries neither, and a
 * mail scanner that follows it must not act for anyone. Only the order's page is a link.
 */
const routes = (orderId: string, links: NoticeLinks) => {
  const order = `${links.api}/operator/orders/${encodeURIComponent(orderId)}`;
  return {
    acknowledge: `POST ${order}/acknowledge`,
    compliance: `POST ${order}/compliance`,
    urlCompliance: `POST ${order}/compliance/urls`,
    appeal: `POST ${order}/appeal`,
    fineOpinion: `POST ${order}/fine/opinion`,
    reinstatement: `POST ${order}/reinstatement`,
    page: `${links.web}/#/operator/orders/${encodeURIComponent(orderId)}`,
  };
};

function greeting(operatorName: string, lang: Language): Block {
  const name = oneLine(operatorName);
  return { type: 'paragraph', text: say(lang, { ko: `${name} 담당자님께`, en: `To ${name}` }) };
}

function orderPage(orderId: string, links: NoticeLinks, lang: Language): Block {
  return {
    type: 'link',
    label: say(lang, {
      ko: '이 요청의 웹 화면(사업자 계정으로 로그인)',
      en: "This order's page in the web UI (sign in with your operator account)",
    }),
    href: routes(orderId, links).page,
  };
}

/** What an operator may report for the whole order: an ISP blocks (it cannot delete what others host). */
const WHOLE_ORDER_OUTCOMES = (action: OrderAction): string =>
  action === 'BLOCK_ACCESS' ? 'BLOCKED|NOT_FOUND' : 'DELETED|BLOCKED|NOT_FOUND';

function howToRespond(order: Pick<OrderRecord, 'orderId' | 'action'>, links: NoticeLinks, lang: Language): Block[] {
  const orderId = order.orderId;
  const r = routes(orderId, links);
  const outcomes = WHOLE_ORDER_OUTCOMES(order.action);
  return [
    { type: 'heading', text: say(lang, { ko: '수신 확인과 조치 결과 보고', en: 'How to acknowledge and report compliance' }) },
    orderPage(orderId, links, lang),
    {
      type: 'paragraph',
      text: say(lang, {
        ko: '시스템 연동 시에는 사업자 계정의 토큰으로 API를 호출해 주십시오(POST 요청):',
        en: 'From your own systems, call the API with your operator token (POST requests):',
      }),
    },
    {
      type: 'list',
      items: [
        say(lang, { ko: `수신 확인: ${r.acknowledge}`, en: `Acknowledge receipt: ${r.acknowledge}` }),
        say(lang, {
          ko: `조치 결과 보고: ${r.compliance} (본문 {"action":"${outcomes}","note":"..."})`,
          en: `Report what you did: ${r.compliance} with {"action":"${outcomes}","note":"..."}`,
        }),
        say(lang, {
          ko: `URL별 보고: ${r.urlCompliance} (본문 {"urls":[{"url":"...","outcome":"${outcomes}|CANNOT_COMPLY","reason":"조치할 수 없는 이유"}]})`,
          en: `Report URL by URL: ${r.urlCompliance} with {"urls":[{"url":"...","outcome":"${outcomes}|CANNOT_COMPLY","reason":"why you cannot"}]}`,
        }),
      ],
    },
  ];
}

/** Follows a link to the order's page, where the appeal can be filed too. */
function howToAppeal(orderId: string, links: NoticeLinks, lang: Language): Block {
  const r = routes(orderId, links);
  return {
    type: 'paragraph',
    text: say(lang, {
      ko: `이의신청은 위 웹 화면에서 하거나 API로 할 수 있습니다: ${r.appeal} (본문 {"grounds":"이유, 10~5000자"})`,
      en: `Appeal on the order's page above, or through the API: ${r.appeal} with {"grounds":"your reasons, 10 to 5000 characters"}`,
    }),
  };
}

/**
 * The objection open from this notice, to the operator and to whoever posted the content: the code
 * lets the poster object without an account, and nothing else (it is not the order id).
 */
function objectionRights(
  action: OrderAction,
  code: string | undefined,
  policy: Pick<Policy, 'objectionWindow'>,
  links: NoticeLinks,
  lang: Language,
): Block[] {
  const sections = orderNoticeObjection(action);
  if (!sections.operatorMayObject) return [];
  const window = durationInWords(durationToMs(policy.objectionWindow), lang);
  const own = say(lang, {
    ko: `이 통지를 받은 때부터 ${window} 이내에는 위원회의 확정 전이라도 이의신청을 할 수 있습니다(방법은 위와 같습니다). 확정 전에 접수된 이의신청은 위원회가 사후 심의를 마친 뒤 함께 결정하며, 위원회가 요청을 철회하면 이의신청이 받아들여진 것으로 처리합니다.`,
    en: `For ${window} from receiving this notice you may object even before the committee confirms the order (as above). An objection filed before then is decided once the committee's post-review is over; if the committee revokes the order, the objection is granted.`,
  });
  if (!sections.posterCode) {
    return [
      { type: 'heading', text: say(lang, { ko: '지금 할 수 있는 이의신청', en: 'Objecting now' }) },
      { type: 'paragraph', text: own },
    ];
  }
  if (code === undefined) throw new Error('An ORDER notice to a host must carry the objection code it passes on to the poster.');
  return [
    { type: 'heading', text: say(lang, { ko: '지금 할 수 있는 이의신청', en: 'Objecting now' }) },
    {
      type: 'paragraph',
      text: `${own} ${say(lang, {
        ko: '게시물을 올린 사람도 아래 이의신청 코드로 계정 없이 이의신청을 할 수 있습니다. 게시자에게 삭제 사실을 알릴 때 이 코드를 함께 전달해 주십시오.',
        en: 'The person who posted the content may object too, without an account, with the objection code below: pass it on when you tell them of the removal.',
      })}`,
    },
    { type: 'fields', rows: [[say(lang, { ko: '이의신청 코드', en: 'Objection code' }), code]] },
    {
      type: 'link',
      label: say(lang, { ko: '게시자의 이의신청 화면(계정 불필요)', en: "The poster's objection page (no account needed)" }),
      href: `${links.web}/#/object`,
    },
  ];
}

function footer(authority: Policy['authority'], lang: Language): Block {
  const name = authority.name[lang];
  return {
    type: 'paragraph',
    text: say(lang, {
      ko: `발신: ${name}. 이 통지는 자동으로 발송되었으며, 회신하면 ${withParticle(name, '으로/로')} 전달됩니다(${authority.replyTo}). 피해자 보호를 위해 이 통지를 외부에 전달하지 마십시오. 문의 시 요청 번호를 알려 주십시오.`,
      en: `From: the ${name}. This notice was sent automatically; a reply reaches the ${name} (${authority.replyTo}). To protect the person harmed, do not forward it outside your organisation. Quote the order id in any reply.`,
    }),
  };
}

/** What missing the deadline costs, in the policy's own figures (shared/domain/fines.ts computes it). */
function fineWarning(fines: Policy['fines'], lang: Language): string {
  const p = (rate: number): string => percent(rate, lang);
  const hours = fines.lateSurchargeMaxHours;
  return say(lang, {
    ko: `기한까지 조치하지 않으면 과징금이 부과될 수 있습니다. 기본 금액은 위반의 정도에 따라 관련 매출액의 ${p(fines.tierRates.tier1)}에서 ${p(fines.tierRates.tier3)}까지이고, 기한을 넘긴 1시간마다 매출액의 ${p(fines.lateSurchargeRatePerHour)}가 더해지며(최대 ${hours}시간), 상한은 매출액의 ${p(fines.capRate)}입니다. 위원회가 요청을 철회하면 부과되지 않습니다.`,
    en: `If you miss the deadline, you may be fined: a base of ${p(fines.tierRates.tier1)} to ${p(fines.tierRates.tier3)} of your relevant revenue, depending on the severity, plus ${p(fines.lateSurchargeRatePerHour)} of revenue for each hour late (up to ${countOf(hours, { one: 'hour', other: 'hours' })}), and never more than ${p(fines.capRate)} of revenue. No fine is imposed if the order is revoked.`,
  });
}

/** An operator that acted on the order as soon as it saw it (API, webhook) still gets it in writing, and is told why. */
function compliedBeforeNotice(order: OrderRecord, timeZone: string, lang: Language): Block[] {
  if (!isComplied(order) || order.compliedAt === undefined) return [];
  const when = formatForPeople(order.compliedAt, timeZone, lang, 'second');
  return [
    {
      type: 'paragraph',
      text: say(lang, {
        ko: `귀사는 ${when}에 이 요청에 따른 조치 결과를 이미 보고했습니다. 더 조치할 것은 없으며, 이 통지는 요청과 그 근거, 귀사의 권리를 서면으로 알려 드리는 것입니다.`,
        en: `You already reported, on ${when}, that you acted on this order: nothing more is needed. This notice gives you the order in writing, with its reasons and your rights.`,
      }),
    },
  ];
}

/** Told to an operator whose order stands: keep it so if it acted, act now if it did not. */
function standingOrder(order: OrderRecord, lang: Language): string {
  if (isComplied(order)) {
    return say(lang, {
      ko: '조치 결과를 보고해 주셔서 감사합니다. 게시물이 다시 게시되지 않도록 삭제 또는 차단 상태를 유지해 주십시오.',
      en: 'You reported that you acted on it: keep the content removed or blocked, and do not let it be posted again.',
    });
  }
  const act = say(lang, {
    ko: order.action === 'DELETE' ? '게시물을 삭제' : '게시물에 대한 접속을 차단',
    en: order.action === 'DELETE' ? 'remove the content' : 'block access to the content',
  });
  return say(lang, {
    ko: `아직 조치 결과가 보고되지 않았습니다. 지금 바로 ${act}하고 아래 방법으로 보고해 주십시오. 기한을 넘긴 시간은 과징금 산정에 반영됩니다.`,
    en: `You have not reported compliance yet: ${act} now and report it as described below. Time past the deadline counts towards a fine.`,
  });
}

/** Told to an operator whose order was lifted: what it removed may come back; one that did nothing has nothing to undo. */
function liftedOrder(order: OrderRecord, lang: Language): string {
  return isComplied(order)
    ? say(lang, {
        ko: '이 요청에 따라 삭제하거나 차단한 게시물은 복원할 수 있습니다. 이 요청에 대해서는 과징금이 부과되지 않습니다.',
        en: 'Content you removed or blocked because of it may be restored, and no fine will be imposed for it.',
      })
    : say(lang, {
        ko: '이 요청에 따라 더 이상 조치할 필요가 없으며, 과징금도 부과되지 않습니다.',
        en: 'You need not act on it any more, and no fine will be imposed for it.',
      });
}

// ------------------------------------------------------------------------- statement of reasons

const REMEDY_WORDS: Record<Remedy['kind'], Words> = {
  OBJECTION: { ko: '이의신청', en: 'Objection' },
  ADMINISTRATIVE_APPEAL: { ko: '행정심판', en: 'Administrative appeal' },
  LITIGATION: { ko: '행정소송', en: 'Court action' },
};

function remedyLine(remedy: Remedy, lang: Language, timeZone: string): string {
  const name = say(lang, REMEDY_WORDS[remedy.kind]);
  const body = remedy.body[lang];
  const within =
    remedy.window === undefined
      ? say(lang, { ko: '기간은 관할 법에 따름', en: 'within the time the law of that forum allows' })
      : remedy.from === 'CONFIRMATION'
        ? say(lang, {
            ko: `위원회의 확정 통지를 받은 때부터 ${durationInWords(durationToMs(remedy.window), lang)} 이내`,
            en: `within ${durationInWords(durationToMs(remedy.window), lang)} of the committee's confirmation`,
          })
        : say(lang, {
            ko: `이 요청을 안 날부터 ${durationInWords(durationToMs(remedy.window), lang)} 이내`,
            en: `within ${durationInWords(durationToMs(remedy.window), lang)} of learning of this order`,
          });
  const deadline =
    remedy.deadline === undefined
      ? ''
      : say(lang, {
          ko: `, 기한 ${formatForPeople(remedy.deadline, timeZone, lang, 'second')}`,
          en: `, until ${formatForPeople(remedy.deadline, timeZone, lang, 'second')}`,
        });
  const basis = remedy.basis === undefined ? '' : ` (${remedy.basis[lang]})`;
  return say(lang, { ko: `${name}: ${body}에, ${within}${deadline}${basis}`, en: `${name}: to ${body}, ${within}${deadline}${basis}` });
}

function decidedByWords(reasons: StatementOfReasons, lang: Language): string {
  const { decidedBy } = reasons;
  switch (decidedBy.body) {
    case 'COMMISSION_STAFF':
      return say(lang, {
        ko: `위원회 사무처 직원 ${decidedBy.members}명이 긴급 절차로 승인했고, 위원회가 사후에 심의합니다`,
        en: `${countOf(decidedBy.members, { one: 'commission staff member', other: 'commission staff members' })} approved it under the urgent procedure; the committee reviews it afterwards`,
      });
    case 'COMMITTEE':
      return say(lang, { ko: '위원회가 심의하여 의결했습니다', en: 'the committee decided it by vote' });
    default:
      return assertNever(decidedBy, 'decision makers');
  }
}

/**
 * What the order rests on and how to contest it (shared/domain/reasons.ts builds it): the
 * authority, who decided, the facts, the legal basis and every remedy with its time limit.
 */
function statementBlocks(reasons: StatementOfReasons, timeZone: string, lang: Language): Block[] {
  const grounds =
    reasons.facts.grounds.length > 0 ? reasons.facts.grounds.map(oneLine) : [say(lang, CATEGORY_WORDS[reasons.facts.category])];
  return [
    { type: 'heading', text: say(lang, { ko: '처분 이유', en: 'Statement of reasons' }) },
    {
      type: 'fields',
      rows: [
        [
          say(lang, { ko: '발령 기관', en: 'Issuing authority' }),
          `${reasons.issuingAuthority.name[lang]} (${reasons.issuingAuthority.contact})`,
        ],
        [say(lang, { ko: '결정', en: 'Decided by' }), decidedByWords(reasons, lang)],
        [say(lang, { ko: '유형', en: 'Category' }), say(lang, CATEGORY_WORDS[reasons.facts.category])],
      ],
    },
    {
      type: 'paragraph',
      text: say(lang, {
        ko: `사실관계: 대상 URL ${reasons.facts.urls.length}건에 대해 승인 시 확인된 사실은 다음과 같습니다.`,
        en: `Facts: what the approval found about the ${countOf(reasons.facts.urls.length, { one: 'URL', other: 'URLs' })} listed above:`,
      }),
    },
    { type: 'list', items: grounds },
    { type: 'heading', text: say(lang, { ko: '법적 근거', en: 'Legal basis' }) },
    { type: 'paragraph', text: reasons.legalBasis[lang] },
    { type: 'heading', text: say(lang, { ko: '불복 방법과 기간', en: 'Remedies and their time limits' }) },
    { type: 'list', items: reasons.remedies.map((remedy) => remedyLine(remedy, lang, timeZone)) },
  ];
}

/** What a lifted order asks: restore what was removed, or lift the block. */
function reinstatementWords(
  action: OrderAction,
  lang: Language,
): { short: string; act: string; answer: string; urls: (count: number) => string } {
  switch (action) {
    case 'DELETE':
      return {
        short: say(lang, { ko: '게시물 복원 요청', en: 'reinstatement instruction' }),
        urls: (count) =>
          say(lang, { ko: `복원할 게시물 URL (${count}건)`, en: `Content to restore (${countOf(count, { one: 'URL', other: 'URLs' })})` }),
        act: say(lang, {
          ko: '이 요청에 따라 삭제한 게시물을 복원해 주십시오',
          en: 'restore the content you removed because of this order',
        }),
        answer: 'RESTORED',
      };
    case 'BLOCK_ACCESS':
      return {
        short: say(lang, { ko: '접속차단 해제 요청', en: 'unblocking instruction' }),
        urls: (count) =>
          say(lang, { ko: `차단을 해제할 URL (${count}건)`, en: `URLs to unblock (${countOf(count, { one: 'URL', other: 'URLs' })})` }),
        act: say(lang, {
          ko: '이 요청에 따라 차단한 URL의 접속차단을 해제해 주십시오',
          en: 'lift the block you put on the URLs because of this order',
        }),
        answer: 'UNBLOCKED',
      };
    case 'DELETE_REQUEST':
      return {
        short: say(lang, { ko: '삭제 권고 철회', en: 'deletion request withdrawn' }),
        urls: (count) =>
          say(lang, {
            ko: `권고를 철회한 URL (${count}건)`,
            en: `URLs of the withdrawn request (${countOf(count, { one: 'URL', other: 'URLs' })})`,
          }),
        act: say(lang, {
          ko: '이 권고에 따라 삭제한 게시물이 있다면 복원할 수 있습니다',
          en: 'you may restore any content you removed because of this request',
        }),
        answer: 'RESTORED',
      };
    default:
      return assertNever(action, 'order action');
  }
}

// --------------------------------------------------------------------------------- the notices

/** A notice about the running clock needs it: rendering one for an order without a deadline is a defect. */
function deadlinesOf(order: OrderRecord): { deadlineAt: string; graceEndsAt: string } {
  if (order.deadlineAt === undefined || order.graceEndsAt === undefined) {
    throw new Error(`Order ${order.orderId} has no deadline running; a notice about its deadline cannot be written.`);
  }
  return { deadlineAt: order.deadlineAt, graceEndsAt: order.graceEndsAt };
}

/**
 * An overseas host is outside the authority's reach: it is asked, in English, to delete, told that
 * the request binds it to nothing, and that access from the jurisdiction is blocked through its ISPs.
 */
function deletionRequest(
  input: OperatorNoticeInput & { notice: Extract<OperatorNotice, { kind: 'ORDER' }> },
  head: readonly Block[],
  tail: Block,
): RenderedEmail {
  const { order, policy, notice, links } = input;
  const lang: Language = 'en';
  const authority = policy.authority.name.en;
  const region = regionName(policy.jurisdiction, lang);
  const r = routes(order.orderId, links);
  return email(
    `[Deletion request, not binding] ${order.orderId}: please remove the content below`,
    [
      ...head,
      {
        type: 'paragraph',
        text: `Digital sex crime content is available at the URLs below on your service. The ${authority} asks you to delete it. This is a request, not a binding order: you are not fined if you decline, and its date is a request, not a deadline. Access to these URLs from ${region} is blocked through internet access providers meanwhile.`,
      },
      {
        type: 'fields',
        rows: [
          ['Request id', order.orderId],
          ['Requested by', authority],
          ['Requested action', actionWords(order.action, policy.jurisdiction, lang)],
          ['Category', say(lang, CATEGORY_WORDS[order.category])],
          ...timeRows({ ko: '발송 시각', en: 'Sent' }, order.issuedAt, policy.timeZone, lang),
          ...timeRows({ ko: '권고 기한', en: 'Requested by (not enforced)' }, notice.deadlineAt, policy.timeZone, lang),
        ],
      },
      { type: 'heading', text: `Content (${countOf(notice.urls.length, { one: 'URL', other: 'URLs' })})` },
      { type: 'list', items: notice.urls, code: true },
      ...statementBlocks(notice.reasons, policy.timeZone, lang),
      { type: 'heading', text: 'How to answer' },
      orderPage(order.orderId, links, lang),
      {
        type: 'list',
        items: [
          `Acknowledge receipt: ${r.acknowledge}`,
          `Tell us the content is removed: ${r.compliance} with {"action":"DELETED|NOT_FOUND","note":"..."}`,
        ],
      },
      tail,
    ],
    lang,
  );
}

export function renderOperatorNotice(input: OperatorNoticeInput): RenderedEmail {
  const { order, operator, policy, notice, links } = input;
  // An overseas host is asked in English, whatever language it was registered with.
  const lang = order.action === 'DELETE_REQUEST' ? 'en' : operator.language;
  const tz = policy.timeZone;
  const id = order.orderId;
  const orderKind = shortAction(order.action, lang);
  const authority = policy.authority.name[lang];
  /** In running English text an authority's name takes the article: "the eSafety Commissioner". */
  const theAuthority = say(lang, { ko: authority, en: `the ${authority}` });
  const head: Block[] = [greeting(operator.name, lang)];
  const tail = footer(policy.authority, lang);

  switch (notice.kind) {
    case 'ORDER': {
      if (order.action === 'DELETE_REQUEST') return deletionRequest({ ...input, notice }, head, tail);
      const window = durationInWords(durationToMs(policy.complianceDeadline), lang);
      const appealWindow = durationInWords(durationToMs(policy.appealWindow), lang);
      return email(
        say(lang, {
          ko: `[긴급 ${orderKind}] ${id}: ${window} 이내 조치`,
          en: `[Urgent ${orderKind}] ${id}: act within ${window}`,
        }),
        [
          ...head,
          {
            type: 'paragraph',
            text:
              order.action === 'BLOCK_ACCESS'
                ? say(lang, {
                    ko: `아래 URL에 디지털 성범죄물이 게시되어 있어 ${withParticle(authority, '이/가')} ${withParticle(orderKind, '을/를')} 합니다. 귀사 이용자가 아래 URL에 접속하지 못하도록 기한까지 차단하고 결과를 보고해 주십시오. 이 요청은 즉시 효력이 있으며, 위원회가 사후에 심의합니다.`,
                    en: `Digital sex crime content is available at the URLs below. The ${authority} issues this ${orderKind}, which takes effect now: block your subscribers' access to each URL before the deadline and report what you did. A committee reviews the order afterwards.`,
                  })
                : say(lang, {
                    ko: `귀사 서비스의 아래 URL에 디지털 성범죄물이 게시되어 있어 ${withParticle(authority, '이/가')} ${withParticle(orderKind, '을/를')} 합니다. 기한까지 조치하고 결과를 보고해 주십시오. 이 요청은 즉시 효력이 있으며, 위원회가 사후에 심의합니다.`,
                    en: `Digital sex crime content is available at the URLs below on your service. The ${authority} issues this ${orderKind}, which takes effect now: act before the deadline and report what you did. A committee reviews the order afterwards.`,
                  }),
          },
          ...compliedBeforeNotice(order, tz, lang),
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              [say(lang, { ko: '발령 기관', en: 'Issued by' }), authority],
              [say(lang, { ko: '요청 조치', en: 'Action required' }), actionWords(order.action, policy.jurisdiction, lang)],
              [say(lang, { ko: '유형', en: 'Category' }), say(lang, CATEGORY_WORDS[order.category])],
              ...timeRows({ ko: '발송 시각', en: 'Issued' }, order.issuedAt, tz, lang),
              ...timeRows({ ko: '조치 기한', en: 'Deadline' }, notice.deadlineAt, tz, lang),
            ],
          },
          {
            type: 'heading',
            text: say(lang, {
              ko: `대상 URL (${notice.urls.length}건)`,
              en: `Content (${countOf(notice.urls.length, { one: 'URL', other: 'URLs' })})`,
            }),
          },
          { type: 'list', items: notice.urls, code: true },
          { type: 'heading', text: say(lang, { ko: '기한을 넘기면', en: 'If you miss the deadline' }) },
          { type: 'paragraph', text: fineWarning(policy.fines, lang) },
          ...statementBlocks(notice.reasons, tz, lang),
          ...howToRespond(order, links, lang),
          { type: 'heading', text: say(lang, { ko: '이의신청 권리', en: 'Your right to appeal' }) },
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `위원회가 이 요청을 확정하면, 확정 통지를 받은 때부터 ${appealWindow} 이내에 이의신청을 할 수 있습니다. 위원회가 요청을 철회하면 알려 드리며, 그 경우 ${order.action === 'BLOCK_ACCESS' ? '차단을 해제해 주십시오' : '게시물을 복원할 수 있습니다'}. 이의신청 여부와 관계없이 기한 내 조치는 필요합니다.`,
              en: `If the committee confirms this order, you may appeal within ${appealWindow} of the confirmation. If the committee revokes it, we will tell you, and ${order.action === 'BLOCK_ACCESS' ? 'you are then to lift the block' : 'the content may then be restored'}. Appealing does not suspend the deadline above.`,
            }),
          },
          howToAppeal(id, links, lang),
          ...objectionRights(order.action, notice.objectionCode, policy, links, lang),
          tail,
        ],
        lang,
      );
    }
    case 'REMINDER': {
      const { deadlineAt } = deadlinesOf(order);
      const left = durationInWords(Date.parse(deadlineAt) - Date.parse(notice.reminderAt), lang);
      return email(
        say(lang, { ko: `[기한 알림] ${id}: 기한까지 ${left} 남음`, en: `[Reminder] ${id}: ${left} left before the deadline` }),
        [
          ...head,
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `${orderKind} ${id}의 조치 기한까지 ${left} 남았습니다. 아직 조치 결과가 보고되지 않았습니다.`,
              en: `${left} left before the deadline of ${orderKind} ${id}, and no compliance has been reported yet.`,
            }),
          },
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              [say(lang, { ko: '요청 조치', en: 'Action required' }), actionWords(order.action, policy.jurisdiction, lang)],
              [say(lang, { ko: '대상 URL 수', en: 'Number of URLs' }), String(order.urlCount)],
              ...timeRows({ ko: '조치 기한', en: 'Deadline' }, deadlineAt, tz, lang),
            ],
          },
          { type: 'paragraph', text: fineWarning(policy.fines, lang) },
          ...howToRespond(order, links, lang),
          tail,
        ],
        lang,
      );
    }
    case 'OVERDUE':
      return email(
        say(lang, { ko: `[기한 경과] ${id}: 조치 기한이 지났습니다`, en: `[Overdue] ${id}: the deadline has passed` }),
        [
          ...head,
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `${orderKind} ${id}의 조치 기한이 지났으나 조치 결과가 보고되지 않았습니다. 지금 바로 조치하고 보고해 주십시오. 유예 기간이 끝날 때까지는 늦은 조치 보고도 접수되며, 지연된 시간은 과징금 산정에 반영됩니다. 위원회가 요청을 철회하지 않는 한, 사건 종결 시 과징금이 부과될 수 있습니다.`,
              en: `The deadline of ${orderKind} ${id} has passed and no compliance has been reported. Act now and report it: late compliance is accepted until the grace period ends, and the delay is measured. Unless the committee revokes the order, a fine may follow when the case closes.`,
            }),
          },
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              ...timeRows({ ko: '조치 기한', en: 'Deadline' }, deadlinesOf(order).deadlineAt, tz, lang),
              ...timeRows({ ko: '늦은 조치 접수 마감', en: 'Late compliance accepted until' }, deadlinesOf(order).graceEndsAt, tz, lang),
            ],
          },
          ...howToRespond(order, links, lang),
          tail,
        ],
        lang,
      );
    case 'REVOKED':
      return email(
        say(lang, { ko: `[요청 철회] ${id}: 위원회가 요청을 철회했습니다`, en: `[Revoked] ${id}: the committee revoked the order` }),
        [
          ...head,
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `위원회가 심의 결과 ${orderKind} ${withParticle(id, '을/를')} 철회했습니다. ${liftedOrder(order, lang)}`,
              en: `After its review, the committee revoked ${orderKind} ${id}. ${liftedOrder(order, lang)}`,
            }),
          },
          { type: 'fields', rows: [[say(lang, { ko: '요청 번호', en: 'Order id' }), id]] },
          tail,
        ],
        lang,
      );
    case 'CONFIRMED': {
      const appealRows: [string, string][] = order.appealDeadline
        ? timeRows({ ko: '이의신청 기한', en: 'Appeal deadline' }, order.appealDeadline, tz, lang)
        : [[say(lang, { ko: '이의신청 기간', en: 'Appeal window' }), durationInWords(durationToMs(policy.appealWindow), lang)]];
      return email(
        say(lang, { ko: `[요청 확정] ${id}: 위원회가 요청을 확정했습니다`, en: `[Confirmed] ${id}: the committee confirmed the order` }),
        [
          ...head,
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `위원회가 심의 결과 ${orderKind} ${withParticle(id, '을/를')} 확정했습니다. ${standingOrder(order, lang)} 이 결정에 동의하지 않으면 아래 기한까지 이의신청을 할 수 있습니다.`,
              en: `After its review, the committee confirmed ${orderKind} ${id}. ${standingOrder(order, lang)} If you disagree, you may appeal until the deadline below.`,
            }),
          },
          { type: 'fields', rows: [[say(lang, { ko: '요청 번호', en: 'Order id' }), id], ...appealRows] },
          ...(isComplied(order) ? [orderPage(id, links, lang)] : howToRespond(order, links, lang)),
          { type: 'heading', text: say(lang, { ko: '이의신청 방법', en: 'How to appeal' }) },
          howToAppeal(id, links, lang),
          tail,
        ],
        lang,
      );
    }
    case 'APPEAL_OUTCOME': {
      const upheld = notice.outcome === 'UPHELD';
      return email(
        upheld
          ? say(lang, { ko: `[이의신청 결과] ${id}: 요청 유지(기각)`, en: `[Appeal decided] ${id}: order upheld` })
          : say(lang, { ko: `[이의신청 결과] ${id}: 요청 취소(인용)`, en: `[Appeal decided] ${id}: order overturned` }),
        [
          ...head,
          {
            type: 'paragraph',
            text: upheld
              ? say(lang, {
                  ko: `위원회가 ${orderKind} ${id}에 대한 이의신청을 기각했습니다. 요청은 그대로 유지됩니다. ${standingOrder(order, lang)}`,
                  en: `The committee dismissed your appeal against ${orderKind} ${id}. The order stands. ${standingOrder(order, lang)}`,
                })
              : say(lang, {
                  ko: `위원회가 ${orderKind} ${id}에 대한 이의신청을 받아들여 요청을 취소했습니다. ${liftedOrder(order, lang)}`,
                  en: `The committee granted your appeal against ${orderKind} ${id}: the order is overturned. ${liftedOrder(order, lang)}`,
                }),
          },
          { type: 'fields', rows: [[say(lang, { ko: '요청 번호', en: 'Order id' }), id]] },
          ...(upheld && !isComplied(order) ? howToRespond(order, links, lang) : []),
          tail,
        ],
        lang,
      );
    }
    case 'FINE':
    case 'FINE_DECISION':
      return fineNotice(notice.kind, notice.fine, { ...input, lang, head, tail, orderKind, authority, theAuthority });
    case 'DEADLINE_CHANGED':
      return email(
        deadlineChangeSubject(notice.change, id, lang),
        [
          ...head,
          { type: 'paragraph', text: deadlineChangeWords(notice.change, orderKind, id, lang) },
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              [say(lang, { ko: '변경 사유', en: 'Reason' }), oneLine(notice.change.reason)],
              ...timeRows({ ko: '이전 조치 기한', en: 'Previous deadline' }, notice.change.previousDeadlineAt, tz, lang),
              ...(notice.change.deadlineAt === undefined
                ? timeRows({ ko: '기한 정지 시각', en: 'Deadline paused at' }, notice.change.at, tz, lang)
                : timeRows({ ko: '새 조치 기한', en: 'New deadline' }, notice.change.deadlineAt, tz, lang)),
            ],
          },
          ...howToRespond(order, links, lang),
          tail,
        ],
        lang,
      );
    case 'REINSTATE': {
      const words = reinstatementWords(order.action, lang);
      const why =
        order.decisionStatus === 'OVERTURNED'
          ? say(lang, {
              ko: `위원회가 이의신청을 받아들여 ${orderKind} ${withParticle(id, '을/를')} 취소했습니다.`,
              en: `The committee granted the appeal against ${orderKind} ${id} and overturned it.`,
            })
          : say(lang, {
              ko: `위원회가 사후 심의 결과 ${orderKind} ${withParticle(id, '을/를')} 철회했습니다.`,
              en: `After its review, the committee revoked ${orderKind} ${id}.`,
            });
      const r = routes(id, links);
      return email(
        say(lang, {
          ko: `[${notice.reminder ? '다시 알림: ' : ''}${words.short}] ${id}: 조치 결과를 알려 주십시오`,
          en: `[${notice.reminder ? 'Reminder: ' : ''}${words.short.replace(/^./, (first) => first.toUpperCase())}] ${id}: tell us what you did`,
        }),
        [
          ...head,
          {
            type: 'paragraph',
            text: `${why} ${say(lang, {
              ko: `${words.act}. 삭제나 차단을 하지 않았다면 그렇다고 알려 주시면 됩니다. 이 요청에는 기한과 과징금이 없습니다.`,
              en: `Please ${words.act}. If you did not remove or block anything, say so. This instruction has no deadline and no fine.`,
            })}`,
          },
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              [say(lang, { ko: '요청 사항', en: 'Instruction' }), words.short],
              ...(order.reinstatement ? timeRows({ ko: '요청 시각', en: 'Instructed' }, order.reinstatement.instructedAt, tz, lang) : []),
            ],
          },
          ...(notice.urls === undefined
            ? []
            : [
                { type: 'heading', text: words.urls(notice.urls.length) } as const,
                { type: 'list', items: notice.urls, code: true } as const,
              ]),
          { type: 'heading', text: say(lang, { ko: '조치 결과 보고', en: 'How to report what you did' }) },
          orderPage(id, links, lang),
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `시스템 연동 시: ${r.reinstatement} (본문 {"action":"${words.answer}|NOT_APPLICABLE","note":"..."}; 조치할 게시물이 없었다면 NOT_APPLICABLE)`,
              en: `From your own systems: ${r.reinstatement} with {"action":"${words.answer}|NOT_APPLICABLE","note":"..."} (NOT_APPLICABLE if there was nothing to restore)`,
            }),
          },
          tail,
        ],
        lang,
      );
    }
    case 'STILL_ONLINE':
      return email(
        say(lang, {
          ko: `[재게시 확인] ${id}: 삭제된 게시물이 아직 접속됩니다`,
          en: `[Still online] ${id}: content reported removed is online`,
        }),
        [
          ...head,
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `귀사가 ${orderKind} ${id}의 조치를 보고한 뒤 ${withParticle(theAuthority, '이/가')} 다시 확인한 결과, 아래 URL이 아직 접속됩니다. 지금 바로 삭제해 주십시오. 이 요청은 미이행으로 다시 기록되었으며, 담당자가 추가 조치를 검토합니다.`,
              en: `After you reported compliance with ${orderKind} ${id}, ${theAuthority} checked again and found the URLs below still online. Remove them now. The order is recorded as not complied with again, and staff will decide what follows.`,
            }),
          },
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              ...timeRows({ ko: '확인 시각', en: 'Checked' }, notice.checkedAt, tz, lang),
            ],
          },
          {
            type: 'heading',
            text: say(lang, {
              ko: `아직 접속되는 URL (${notice.urls.length}건)`,
              en: `Still online (${countOf(notice.urls.length, { one: 'URL', other: 'URLs' })})`,
            }),
          },
          { type: 'list', items: notice.urls, code: true },
          orderPage(id, links, lang),
          tail,
        ],
        lang,
      );
    default:
      return assertNever(notice, 'notice');
  }
}

interface FineNoticeFrame extends OperatorNoticeInput {
  lang: Language;
  head: Block[];
  tail: Block;
  orderKind: string;
  authority: string;
  theAuthority: string;
}

/** What the law lets the operator do about a decided fine, with the policy's windows. */
function fineRemedies(fine: Fine, frame: FineNoticeFrame): Block {
  const { lang, theAuthority, authority } = frame;
  const f = fine.inputs?.schedule ?? frame.policy.fines;
  const appeal = durationInWords(durationToMs(f.administrativeAppealWindow), lang);
  const suit = durationInWords(durationToMs(f.litigationWindow), lang);
  return {
    type: 'paragraph',
    text: say(lang, {
      ko: `이 처분에 불복하는 경우 처분이 있음을 안 날부터 ${appeal} 이내에 행정심판을 청구하거나, ${suit} 이내에 행정소송을 제기할 수 있습니다. 문의는 ${authority}(${frame.policy.authority.replyTo})에 해 주십시오.`,
      en: `If you disagree with this decision, you may file an administrative appeal within ${appeal}, or bring an action before the administrative court within ${suit}, of learning of it. Questions go to ${theAuthority} (${frame.policy.authority.replyTo}).`,
    }),
  };
}

const FINE_DECISION_SUBJECTS: Record<FineDecision, Record<Language, string>> = {
  IMPOSE: { ko: '부과', en: 'imposed' },
  REDUCE: { ko: '감액 부과', en: 'reduced' },
  WAIVE: { ko: '부과하지 않음', en: 'waived' },
};

/**
 * FINE: the proposal, with how and until when to state an opinion (TBA Art. 22-6 asks for prior
 * notice and a chance to be heard); FINE_DECISION: staff's decision, its reason and the remedies.
 */
function fineNotice(kind: 'FINE' | 'FINE_DECISION', fine: Fine, frame: FineNoticeFrame): RenderedEmail {
  const { order, policy, links, lang, head, tail, orderKind, authority, theAuthority } = frame;
  const id = order.orderId;
  const tz = policy.timeZone;
  const total = money(fine.amount, fine.currency);
  const rows: [string, string][] = [
    [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
    [say(lang, { ko: kind === 'FINE' ? '과징금(안)' : '과징금', en: kind === 'FINE' ? 'Proposed fine' : 'Fine' }), total],
    [say(lang, { ko: '적용 기준(정책)', en: 'Schedule (policy)' }), fine.policyId],
    ...(fine.policyVersion === undefined
      ? []
      : ([[say(lang, { ko: '정책 버전', en: 'Policy version' }), fine.policyVersion]] as [string, string][])),
    ...timeRows({ ko: '조치 기한', en: 'Deadline' }, deadlinesOf(order).deadlineAt, tz, lang),
    ...(order.compliedAt ? timeRows({ ko: '조치 보고', en: 'Compliance reported' }, order.compliedAt, tz, lang) : []),
  ];
  const computation: Block[] = [
    { type: 'heading', text: say(lang, { ko: '산정 내역', en: 'How it was computed' }) },
    { type: 'list', items: fine.breakdown.map((line) => `${breakdownLabel(line, fine, lang)}: ${money(line.amount, fine.currency)}`) },
  ];
  if (kind === 'FINE') {
    const due = fine.opinionDueAt;
    return email(
      say(lang, { ko: `[과징금 사전 통지] ${id}: ${total}`, en: `[Proposed fine] ${id}: ${total}` }),
      [
        ...head,
        {
          type: 'paragraph',
          text: say(lang, {
            ko: `${orderKind} ${id}의 조치 기한을 지키지 않아 ${withParticle(authority, '은/는')} 아래 금액의 과징금 부과를 검토하고 있습니다. 아직 부과된 것이 아니며, 의견을 제출할 수 있습니다.`,
            en: `Because ${orderKind} ${id} was not complied with by its deadline, ${theAuthority} proposes the fine below. It is not imposed yet: you may state your opinion first.`,
          }),
        },
        {
          type: 'fields',
          rows: [...rows, ...(due === undefined ? [] : timeRows({ ko: '의견 제출 기한', en: 'Opinion due by' }, due, tz, lang))],
        },
        ...computation,
        { type: 'heading', text: say(lang, { ko: '의견 제출 방법', en: 'How to state your opinion' }) },
        {
          type: 'paragraph',
          text: say(lang, {
            ko: `의견 제출 기한까지 위 웹 화면에서 의견을 제출하거나 API를 호출해 주십시오: ${routes(id, links).fineOpinion} (본문 {"opinion":"의견, 10~5000자"}). 기한이 지나거나 의견이 접수되면 직원이 의견을 검토해 부과, 감액 또는 면제를 결정하고 그 결과와 불복 방법을 알려 드립니다.`,
            en: `By the date above, state your opinion on the order's page or through the API: ${routes(id, links).fineOpinion} with {"opinion":"your opinion, 10 to 5000 characters"}. Once the period ends or your opinion is in, staff decide to impose, reduce or waive the fine, and tell you the decision and how to challenge it.`,
          }),
        },
        orderPage(id, links, lang),
        tail,
      ],
      lang,
    );
  }
  const decision = fine.decision;
  const outcome = decision === undefined ? FINE_DECISION_SUBJECTS.IMPOSE : FINE_DECISION_SUBJECTS[decision.decision];
  return email(
    say(lang, { ko: `[과징금 처분] ${id}: ${outcome.ko} ${total}`, en: `[Fine ${outcome.en}] ${id}: ${total}` }),
    [
      ...head,
      {
        type: 'paragraph',
        text: say(lang, {
          ko: `${withParticle(authority, '은/는')} ${orderKind} ${id}의 과징금을 다음과 같이 결정했습니다: ${outcome.ko}.`,
          en: `${theAuthority.charAt(0).toUpperCase()}${theAuthority.slice(1)} decided the fine for ${orderKind} ${id}: ${outcome.en}.`,
        }),
      },
      {
        type: 'fields',
        rows: [
          ...rows,
          ...(fine.proposedAmount === undefined
            ? []
            : ([[say(lang, { ko: '사전 통지 금액', en: 'Proposed' }), money(fine.proposedAmount, fine.currency)]] as [string, string][])),
          ...(decision === undefined
            ? []
            : ([[say(lang, { ko: '결정 이유', en: 'Reason' }), oneLine(decision.reason)]] as [string, string][])),
        ],
      },
      ...computation,
      { type: 'heading', text: say(lang, { ko: '불복 방법', en: 'How to challenge the decision' }) },
      fineRemedies(fine, frame),
      tail,
    ],
    lang,
  );
}

/** Staff read both languages: a short bilingual frame around the caller's own lines. */
export function renderStaffAlert(caseId: string, alert: StaffAlert, links: Pick<NoticeLinks, 'web'>): RenderedEmail {
  const casePage = `${links.web}/#/cases/${encodeURIComponent(caseId)}`;
  return email(
    `[Staff alert / 직원 알림] ${alert.subject} (${caseId})`,
    [
      { type: 'fields', rows: [['Case / 사건', caseId]] },
      { type: 'list', items: alert.lines.map(oneLine) },
      { type: 'link', label: 'Open the case in the web UI to act / 웹 화면에서 사건을 열어 처리해 주십시오', href: casePage },
    ],
    'en',
  );
}

export interface ContactChangeInput {
  readonly operator: Pick<Operator, 'operatorId' | 'name' | 'language'>;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly at: string;
  readonly policy: Pick<Policy, 'timeZone' | 'authority'>;
}

/**
 * To an operator's old and new contacts: where the Commission's legal notices go has changed. The
 * old contacts hear of it too, so that a change nobody at the operator asked for does not go unseen.
 */
export function renderContactChange(input: ContactChangeInput): RenderedEmail {
  const { operator, before, after, at, policy } = input;
  const lang = operator.language;
  return email(
    say(lang, {
      ko: `[연락처 변경] ${oneLine(operator.name)}: 통지 수신 주소가 바뀌었습니다`,
      en: `[Contact changed] ${oneLine(operator.name)}: notices now go to another address`,
    }),
    [
      greeting(operator.name, lang),
      {
        type: 'paragraph',
        text: say(lang, {
          ko: `${withParticle(policy.authority.name.ko, '이/가')} 귀사에 보내는 삭제 요청 등 법적 통지를 받을 주소가 아래와 같이 변경되었습니다. 요청하지 않은 변경이라면 이 메일에 회신하여 즉시 알려 주십시오.`,
          en: `The addresses where the ${policy.authority.name.en} sends your service's legal notices, removal orders included, have changed as below. If nobody at your service asked for this, reply to this e-mail at once.`,
        }),
      },
      {
        type: 'fields',
        rows: [
          [say(lang, { ko: '사업자', en: 'Operator' }), operator.operatorId],
          ...timeRows({ ko: '변경 시각', en: 'Changed' }, at, policy.timeZone, lang),
        ],
      },
      { type: 'heading', text: say(lang, { ko: '이전 주소', en: 'Before' }) },
      { type: 'list', items: [...before], code: true },
      { type: 'heading', text: say(lang, { ko: '새 주소', en: 'Now' }) },
      { type: 'list', items: [...after], code: true },
      footer(policy.authority, lang),
    ],
    lang,
  );
}

export interface ReporterUpdateInput {
  readonly caseId: string;
  readonly language: Language;
  /** The reporter's own URLs whose outcome changed. */
  readonly urls: readonly string[];
  readonly previous: ReporterUrlOutcome;
  readonly outcome: ReporterUrlOutcome;
  /** Why staff rejected the report, when that is the change. */
  readonly rejectionReason?: string;
  readonly links: Pick<NoticeLinks, 'web'>;
  readonly policy: Pick<Policy, 'authority'>;
}

/**
 * To a reporter who asked to be told: what became of some of its URLs, before and now, and where
 * to read the whole report. Only outcomes: never an operator's name, note or reply.
 */
export function renderReporterUpdate(input: ReporterUpdateInput): RenderedEmail {
  const { caseId, language: lang, urls, previous, outcome, rejectionReason, links, policy } = input;
  const authority = policy.authority.name[lang];
  const count = lang === 'ko' ? `${urls.length}개` : countOf(urls.length, { one: 'address', other: 'addresses' }, lang);
  return email(
    say(lang, {
      ko: `[신고 처리 결과] 신고하신 주소 ${count}의 처리 결과: ${reporterOutcomeText(outcome, lang)}`,
      en: `[Report update] ${count} you reported: ${reporterOutcomeText(outcome, lang)}`,
    }),
    [
      {
        type: 'paragraph',
        text: say(lang, {
          ko: `${authority}에 접수된 신고의 처리 결과가 바뀌어 알려 드립니다.`,
          en: `What became of addresses you reported to the ${authority} has changed.`,
        }),
      },
      {
        type: 'fields',
        rows: [
          [say(lang, { ko: '신고 번호', en: 'Report' }), caseId],
          [say(lang, { ko: '이전', en: 'Before' }), reporterOutcomeText(previous, lang)],
          [say(lang, { ko: '현재', en: 'Now' }), reporterOutcomeText(outcome, lang)],
          ...(rejectionReason === undefined
            ? []
            : [[say(lang, { ko: '사유', en: 'Reason' }), oneLine(rejectionReason)] as [string, string]]),
        ],
      },
      { type: 'heading', text: say(lang, { ko: '해당 주소', en: 'Addresses' }) },
      { type: 'list', items: urls.map((url) => `${url}: ${reporterOutcomeText(outcome, lang)}`), code: true },
      {
        type: 'link',
        label: say(lang, {
          ko: '내 신고에서 모든 주소의 처리 결과를 볼 수 있습니다',
          en: 'Every address of your reports is in My reports',
        }),
        href: `${links.web}/#/reporter/reports`,
      },
      {
        type: 'paragraph',
        text: say(lang, {
          ko: `이 메일은 신고 시 요청하신 알림으로 자동 발송되었습니다. 회신하면 ${withParticle(authority, '으로/로')} 전달됩니다(${policy.authority.replyTo}).`,
          en: `You asked for these e-mails when you filed the report; this one was sent automatically. A reply reaches the ${authority} (${policy.authority.replyTo}).`,
        }),
      },
    ],
    lang,
  );
}

function deadlineChangeSubject(change: DeadlineChange, id: string, lang: Language): string {
  switch (change.change) {
    case 'EXTENDED':
      return say(lang, { ko: `[기한 연장] ${id}: 조치 기한이 연장되었습니다`, en: `[Deadline extended] ${id}: you have more time` });
    case 'PAUSED':
      return say(lang, {
        ko: `[기한 정지] ${id}: 조치 기한이 정지되었습니다`,
        en: `[Deadline paused] ${id}: the deadline does not run for now`,
      });
    case 'RESUMED':
      return say(lang, { ko: `[기한 재개] ${id}: 조치 기한이 다시 진행됩니다`, en: `[Deadline resumed] ${id}: the deadline runs again` });
    default:
      return assertNever(change.change, 'deadline change');
  }
}

function deadlineChangeWords(change: DeadlineChange, orderKind: string, id: string, lang: Language): string {
  switch (change.change) {
    case 'EXTENDED':
      return say(lang, {
        ko: `${orderKind} ${id}의 조치 기한이 연장되었습니다. 아래의 새 기한까지 조치하고 결과를 보고해 주십시오.`,
        en: `The deadline of ${orderKind} ${id} has been extended. Act and report what you did before the new deadline below.`,
      });
    case 'PAUSED':
      return say(lang, {
        ko: `${orderKind} ${id}의 조치 기한이 정지되었습니다. 기한이 다시 진행되면 남은 시간과 새 기한을 알려 드립니다. 그동안에도 조치하고 보고할 수 있습니다.`,
        en: `The deadline of ${orderKind} ${id} is paused. When it runs again, we will tell you the new deadline, which keeps the time you had left. You may still act and report meanwhile.`,
      });
    case 'RESUMED':
      return say(lang, {
        ko: `${orderKind} ${id}의 조치 기한이 다시 진행됩니다. 새 기한은 정지되었던 시간만큼 늦춰졌습니다. 새 기한까지 조치하고 결과를 보고해 주십시오.`,
        en: `The deadline of ${orderKind} ${id} runs again, later by the time it was paused. Act and report what you did before the new deadline below.`,
      });
    default:
      return assertNever(change.change, 'deadline change');
  }
}

/** What a poster who objected is told of the outcome: the reference, the result, nothing about the case. */
export interface ObjectionOutcomeInput {
  readonly reference: string;
  readonly outcome: 'UPHELD' | 'OVERTURNED';
  readonly policy: Pick<Policy, 'authority' | 'language'>;
  readonly links: Pick<NoticeLinks, 'web'>;
}

/**
 * A poster has no account and no known language: the e-mail says everything in Korean and then in
 * English (the policy's language first), each part wholly in its own language.
 */
export function renderObjectionOutcome(input: ObjectionOutcomeInput): RenderedEmail {
  const { reference, outcome, policy, links } = input;
  const order: Language[] = policy.language === 'en' ? ['en', 'ko'] : ['ko', 'en'];
  const part = (lang: Language): Block[] => [
    { type: 'heading', text: say(lang, { ko: '이의신청 결과', en: 'The outcome of your objection' }) },
    {
      type: 'paragraph',
      text:
        outcome === 'OVERTURNED'
          ? say(lang, {
              ko: `접수 번호 ${reference}의 이의신청이 받아들여졌습니다. 해당 게시물에 대한 삭제·차단 요청은 취소되었습니다.`,
              en: `Your objection ${reference} was granted: the order to remove or block the content was lifted.`,
            })
          : say(lang, {
              ko: `접수 번호 ${reference}의 이의신청은 받아들여지지 않았습니다. 위원회가 삭제·차단 요청을 유지하기로 결정했습니다. 이 결정에 대해서는 행정심판이나 행정소송을 제기할 수 있습니다.`,
              en: `Your objection ${reference} was not granted: the committee decided that the order stands. You may challenge this decision by an administrative appeal or in court.`,
            }),
    },
    {
      type: 'link',
      label: say(lang, { ko: '접수 번호로 진행 상황 보기', en: 'Look the objection up by its reference' }),
      href: `${links.web}/#/object`,
    },
    {
      type: 'paragraph',
      text: say(lang, {
        ko: `발신: ${policy.authority.name.ko}. 이 메일은 이의신청 때 남기신 주소로 자동 발송되었습니다. 문의 시 접수 번호를 알려 주십시오.`,
        en: `From: the ${policy.authority.name.en}. This e-mail went automatically to the address you left with your objection. Quote the reference in any reply.`,
      }),
    },
  ];
  const subject = order
    .map((lang) => say(lang, { ko: `[이의신청 결과] ${reference}`, en: `[Objection outcome] ${reference}` }))
    .join(' / ');
  return email(subject, [...part(order[0] ?? 'ko'), ...part(order[1] ?? 'en')], order[0] ?? 'ko');
}

export interface WebhookDisabledInput {
  readonly operator: Pick<Operator, 'operatorId' | 'name' | 'language'>;
  /** The endpoint's address as the operator registered it. */
  readonly url: string;
  readonly failingSince: string;
  readonly disabledAt: string;
  readonly links: Pick<NoticeLinks, 'api'>;
  readonly policy: Pick<Policy, 'authority' | 'timeZone'>;
}

/**
 * To an operator's contacts: its webhook endpoint failed every delivery for the retry window and
 * is disabled. E-mail stays the legal channel, so nothing the operator must do was lost; its system
 * only stopped hearing of it.
 */
export function renderWebhookDisabled(input: WebhookDisabledInput): RenderedEmail {
  const { operator, url, failingSince, disabledAt, links, policy } = input;
  const lang = operator.language;
  return email(
    say(lang, {
      ko: `[웹훅 중지] ${oneLine(operator.name)}: 웹훅 수신 주소가 응답하지 않아 전송을 멈췄습니다`,
      en: `[Webhook disabled] ${oneLine(operator.name)}: your webhook endpoint stopped answering`,
    }),
    [
      greeting(operator.name, lang),
      {
        type: 'paragraph',
        text: say(lang, {
          ko: `귀사의 웹훅 수신 주소가 아래 시각부터 모든 전송에 성공 응답(2xx)을 주지 않아 웹훅 전송을 중지했습니다. 삭제 요청 등 법적 통지는 계속 이 전자우편으로 전달되며, 기한도 그대로입니다.`,
          en: `Your webhook endpoint has not answered any delivery with a success (2xx) since the time below, so webhook deliveries are stopped. Legal notices, removal orders included, still come to this e-mail address, and their deadlines stand.`,
        }),
      },
      {
        type: 'fields',
        rows: [
          [say(lang, { ko: '사업자', en: 'Operator' }), operator.operatorId],
          [say(lang, { ko: '수신 주소', en: 'Endpoint' }), url],
          ...timeRows({ ko: '실패 시작', en: 'Failing since' }, failingSince, policy.timeZone, lang),
          ...timeRows({ ko: '중지 시각', en: 'Disabled' }, disabledAt, policy.timeZone, lang),
        ],
      },
      {
        type: 'paragraph',
        text: say(lang, {
          ko: `수신 주소를 고친 뒤 PUT ${links.api}/operator/webhook 으로 다시 등록하십시오. 새 서명 비밀값이 발급됩니다.`,
          en: `Once the endpoint works again, register it again with PUT ${links.api}/operator/webhook; it gets a new signing secret.`,
        }),
      },
      footer(policy.authority, lang),
    ],
    lang,
  );
}

export interface ReferralEmailInput {
  referral: Pick<ReferralRecord, 'referralId' | 'caseId' | 'category' | 'urls' | 'hashes' | 'legalBasis'>;
  partner: Pick<Partner, 'name'>;
  policy: Pick<Policy, 'authority'>;
}

/**
 * A referral to a partner without an endpoint (docs/referrals.md), in English, the partners'
 * common language: what the signed message would carry, and how to answer. Never the reporter,
 * the summary or the content.
 */
export function renderReferralEmail(input: ReferralEmailInput): RenderedEmail {
  const { referral, partner, policy } = input;
  const lang = 'en';
  return email(
    `[Referral ${referral.referralId}] Content on hosts in your jurisdiction, case ${referral.caseId}`,
    [
      greeting(partner.name, lang),
      {
        type: 'paragraph',
        text:
          'Under our cooperation, we refer to you content on hosts in your jurisdiction that we have ordered removed or blocked at home. ' +
          'Please tell us by reply whether you acknowledge the referral, which URLs were removed, or why you decline it, naming the referral id.',
      },
      {
        type: 'fields',
        rows: [
          ['Referral', referral.referralId],
          ['Our reference', referral.caseId],
          ['Category', referral.category],
          ['Legal basis here', referral.legalBasis],
        ],
      },
      { type: 'list', items: referral.urls.map((entry) => entry.url), code: true },
      ...(referral.hashes === undefined || referral.hashes.length === 0
        ? []
        : [{ type: 'list' as const, items: referral.hashes.map((hash) => `${hash.algorithm} ${hash.value}`), code: true }]),
      footer(policy.authority, lang),
    ],
    lang,
  );
}

export interface PartnerUpdateEmailInput {
  update: Pick<PartnerUpdateRecord, 'updateId' | 'caseId' | 'reference'>;
  message: ReferralStatusMessage;
  partner: Pick<Partner, 'name'>;
  policy: Pick<Policy, 'authority'>;
}

const PARTNER_UPDATE_WORDS: Record<ReferralStatusMessage['status'], string> = {
  ACKNOWLEDGED: 'We received your referral and filed it as a case; staff will decide on it.',
  ORDER_ISSUED: 'We issued an order to the host of the URLs you referred.',
  REMOVED: 'The host reported the URLs below taken down under our order.',
  REVOKED: 'Our order for the URLs you referred was lifted; the content may be restored.',
  DECLINED: 'We declined your referral: no order will be issued.',
};

/**
 * A status update on a partner's referral, for a partner without an endpoint (docs/referrals.md),
 * in English: what the signed message would say, naming the partner's own referral id.
 */
export function renderPartnerUpdateEmail(input: PartnerUpdateEmailInput): RenderedEmail {
  const { update, message, partner, policy } = input;
  const lang = 'en';
  return email(
    `[Referral ${update.reference}] ${message.status.replace('_', ' ').toLowerCase()}, our case ${update.caseId}`,
    [
      greeting(partner.name, lang),
      { type: 'paragraph', text: PARTNER_UPDATE_WORDS[message.status] },
      {
        type: 'fields',
        rows: [
          ['Your referral', update.reference],
          ['Our reference', update.caseId],
          ['Status', message.status],
          ...(message.status === 'DECLINED' ? [['Reason', message.reason] as [string, string]] : []),
        ],
      },
      ...(message.status === 'REMOVED' && message.urls !== undefined ? [{ type: 'list' as const, items: message.urls, code: true }] : []),
      footer(policy.authority, lang),
    ],
    lang,
  );
}
