/**
 * The e-mails the system sends, in Korean and English, as plain text and HTML built from the
 * same blocks so the two never say different things. Pure: the caller passes the order, its
 * operator, the policy and what happened. An operator notice is built only from the order and the
 * URLs the caller gives (that operator's own), so a reporter's identity, a case summary or another
 * operator's URLs cannot reach it.
 */
import { formatForPeople } from '../domain/deadlines';
import type { Category, Fine, LANGUAGES, Operator, OrderAction, OrderRecord } from '../domain/model';
import { assertNever } from '../domain/model';
import { durationToMs, type Policy } from '../domain/policy';

export type Language = (typeof LANGUAGES)[number];

/** What happened to an order, as the operator is told. */
export type OperatorNotice =
  /** `deadlineAt`: the deadline this notice states, fixed when it is written (its clock starts when SES accepts it). */
  | { kind: 'ORDER'; urls: string[]; deadlineAt: string }
  | { kind: 'REMINDER'; reminderAt: string }
  | { kind: 'OVERDUE' }
  | { kind: 'REVOKED' }
  | { kind: 'CONFIRMED' }
  | { kind: 'APPEAL_OUTCOME'; outcome: 'UPHELD' | 'OVERTURNED' }
  | { kind: 'FINE'; fine: Fine };

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

export interface OperatorNoticeInput {
  order: OrderRecord;
  operator: Pick<Operator, 'name' | 'language'>;
  policy: Pick<Policy, 'id' | 'jurisdiction' | 'timeZone' | 'legalBasis' | 'appealWindow' | 'complianceDeadline'>;
  notice: OperatorNotice;
}

// ------------------------------------------------------------------------------ blocks to e-mail

type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'fields'; rows: [label: string, value: string][] }
  | { type: 'list'; items: string[]; code?: boolean };

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
    if (count > 0 && parts.length < 2) parts.push(lang === 'ko' ? `${count}${unit.ko}` : `${count} ${unit.en}${count === 1 ? '' : 's'}`);
    else if (parts.length > 0) break;
  }
  if (parts.length === 0) return lang === 'ko' ? '1초 미만' : 'less than a second';
  return parts.join(' ');
}

/** Both times a person may need: UTC (exact, as the API shows it) and the policy's local time. */
function timeRows(label: Words, at: string, timeZone: string, lang: Language): [string, string][] {
  return [
    [`${say(lang, label)} (UTC)`, at],
    [`${say(lang, label)} (${timeZone})`, formatForPeople(at, timeZone, lang)],
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
    default:
      return assertNever(action, 'order action');
  }
}

function money(amount: number, currency: string): string {
  return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(amount)} ${currency}`;
}

// ------------------------------------------------------------------------------ shared passages

const routes = (orderId: string) => ({
  acknowledge: `POST /operator/orders/${orderId}/acknowledge`,
  compliance: `POST /operator/orders/${orderId}/compliance`,
  appeal: `POST /operator/orders/${orderId}/appeal`,
  web: `#/operator/orders/${orderId}`,
});

function greeting(operatorName: string, lang: Language): Block {
  const name = oneLine(operatorName);
  return { type: 'paragraph', text: say(lang, { ko: `${name} 담당자님께`, en: `To ${name}` }) };
}

function howToRespond(orderId: string, lang: Language): Block[] {
  const r = routes(orderId);
  return [
    { type: 'heading', text: say(lang, { ko: '수신 확인과 조치 결과 보고', en: 'How to acknowledge and report compliance' }) },
    {
      type: 'list',
      items: [
        say(lang, {
          ko: `수신 확인: ${r.acknowledge}`,
          en: `Acknowledge receipt: ${r.acknowledge}`,
        }),
        say(lang, {
          ko: `조치 결과 보고: ${r.compliance} (본문 {"action":"DELETED|BLOCKED|NOT_FOUND","note":"..."})`,
          en: `Report what you did: ${r.compliance} with {"action":"DELETED|BLOCKED|NOT_FOUND","note":"..."}`,
        }),
        say(lang, {
          ko: `또는 웹 화면에서 사업자 계정으로 로그인한 뒤 '요청 목록'의 ${orderId} (${r.web})`,
          en: `Or in the web UI: sign in with your operator account, Orders, ${orderId} (${r.web})`,
        }),
      ],
    },
  ];
}

function howToAppeal(orderId: string, lang: Language): string {
  const r = routes(orderId);
  return say(lang, {
    ko: `이의신청 방법: ${r.appeal} (본문 {"grounds":"이유, 10~5000자"}) 또는 웹 화면의 ${orderId} (${r.web})`,
    en: `To appeal: ${r.appeal} with {"grounds":"your reasons, 10 to 5000 characters"}, or in the web UI at ${orderId} (${r.web})`,
  });
}

function footer(lang: Language): Block {
  return {
    type: 'paragraph',
    text: say(lang, {
      ko: '이 통지는 자동으로 발송되었습니다. 피해자 보호를 위해 이 통지를 외부에 전달하지 마십시오. 문의 시 요청 번호를 알려 주십시오.',
      en: 'This notice was sent automatically. To protect the person harmed, do not forward it outside your organisation. Quote the order id in any reply.',
    }),
  };
}

// --------------------------------------------------------------------------------- the notices

/** A notice about the running clock needs it: rendering one for an order without a deadline is a defect. */
function deadlinesOf(order: OrderRecord): { deadlineAt: string; graceEndsAt: string } {
  if (order.deadlineAt === undefined || order.graceEndsAt === undefined) {
    throw new Error(`Order ${order.orderId} has no deadline running; a notice about its deadline cannot be written.`);
  }
  return { deadlineAt: order.deadlineAt, graceEndsAt: order.graceEndsAt };
}

export function renderOperatorNotice(input: OperatorNoticeInput): RenderedEmail {
  const { order, operator, policy, notice } = input;
  const lang = operator.language;
  const tz = policy.timeZone;
  const id = order.orderId;
  const orderKind = shortAction(order.action, lang);
  const head: Block[] = [greeting(operator.name, lang)];

  switch (notice.kind) {
    case 'ORDER': {
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
            text: say(lang, {
              ko: `귀사 서비스의 아래 URL에 디지털 성범죄물이 게시되어 있어 ${orderKind}을 합니다. 기한까지 조치하고 결과를 보고해 주십시오. 이 요청은 즉시 효력이 있으며, 위원회가 사후에 심의합니다.`,
              en: `Digital sex crime content is available at the URLs below on your service. This ${orderKind} takes effect now; act before the deadline and report what you did. The Commission's committee reviews the order afterwards.`,
            }),
          },
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              [say(lang, { ko: '요청 조치', en: 'Action required' }), actionWords(order.action, policy.jurisdiction, lang)],
              [say(lang, { ko: '유형', en: 'Category' }), say(lang, CATEGORY_WORDS[order.category])],
              ...timeRows({ ko: '발송 시각', en: 'Issued' }, order.issuedAt, tz, lang),
              ...timeRows({ ko: '조치 기한', en: 'Deadline' }, notice.deadlineAt, tz, lang),
            ],
          },
          { type: 'heading', text: say(lang, { ko: `대상 URL (${notice.urls.length}건)`, en: `URLs (${notice.urls.length})` }) },
          { type: 'list', items: notice.urls, code: true },
          { type: 'heading', text: say(lang, { ko: '법적 근거', en: 'Legal basis' }) },
          { type: 'paragraph', text: policy.legalBasis[lang] },
          ...howToRespond(id, lang),
          { type: 'heading', text: say(lang, { ko: '이의신청 권리', en: 'Your right to appeal' }) },
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `위원회가 이 요청을 확정하면, 확정 통지를 받은 때부터 ${appealWindow} 이내에 이의신청을 할 수 있습니다. 위원회가 요청을 철회하면 알려 드리며, 그 경우 게시물을 복원할 수 있습니다. 이의신청 여부와 관계없이 기한 내 조치는 필요합니다.`,
              en: `If the committee confirms this order, you may appeal within ${appealWindow} of the confirmation. If the committee revokes it, we will tell you, and the content may then be restored. Appealing does not suspend the deadline above.`,
            }),
          },
          { type: 'paragraph', text: howToAppeal(id, lang) },
          footer(lang),
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
              en: `${left} remain before the deadline of ${orderKind} ${id}, and no compliance has been reported yet.`,
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
          ...howToRespond(id, lang),
          footer(lang),
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
          ...howToRespond(id, lang),
          footer(lang),
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
              ko: `위원회가 심의 결과 ${orderKind} ${id}을 철회했습니다. 더 이상 조치할 의무가 없으며, 이 요청에 따라 삭제하거나 차단한 게시물은 복원할 수 있습니다. 이 요청에 대해서는 과징금이 부과되지 않습니다.`,
              en: `After its review, the committee revoked ${orderKind} ${id}. You no longer need to act on it, and content you removed or blocked because of it may be restored. No fine will be imposed for this order.`,
            }),
          },
          { type: 'fields', rows: [[say(lang, { ko: '요청 번호', en: 'Order id' }), id]] },
          footer(lang),
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
              ko: `위원회가 심의 결과 ${orderKind} ${id}을 확정했습니다. 게시물의 삭제 또는 차단 상태를 유지해 주십시오. 이 결정에 동의하지 않으면 아래 기한까지 이의신청을 할 수 있습니다.`,
              en: `After its review, the committee confirmed ${orderKind} ${id}. Keep the content removed or blocked. If you disagree, you may appeal until the deadline below.`,
            }),
          },
          { type: 'fields', rows: [[say(lang, { ko: '요청 번호', en: 'Order id' }), id], ...appealRows] },
          { type: 'paragraph', text: howToAppeal(id, lang) },
          footer(lang),
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
                  ko: `위원회가 ${orderKind} ${id}에 대한 이의신청을 기각했습니다. 요청은 그대로 유지되므로 게시물의 삭제 또는 차단 상태를 유지해 주십시오.`,
                  en: `The committee dismissed your appeal against ${orderKind} ${id}. The order stands: keep the content removed or blocked.`,
                })
              : say(lang, {
                  ko: `위원회가 ${orderKind} ${id}에 대한 이의신청을 받아들였습니다. 요청은 취소되었고, 이 요청에 따라 삭제하거나 차단한 게시물은 복원할 수 있습니다. 이 요청에 대해서는 과징금이 부과되지 않습니다.`,
                  en: `The committee granted your appeal against ${orderKind} ${id}. The order is overturned: content you removed or blocked because of it may be restored, and no fine will be imposed for it.`,
                }),
          },
          { type: 'fields', rows: [[say(lang, { ko: '요청 번호', en: 'Order id' }), id]] },
          footer(lang),
        ],
        lang,
      );
    }
    case 'FINE': {
      const { fine } = notice;
      const total = money(fine.amount, fine.currency);
      return email(
        say(lang, { ko: `[과징금 부과] ${id}: ${total}`, en: `[Fine] ${id}: ${total}` }),
        [
          ...head,
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `${orderKind} ${id}의 조치 기한을 지키지 않아 아래와 같이 과징금을 부과합니다.`,
              en: `Because ${orderKind} ${id} was not complied with by its deadline, the following fine is imposed.`,
            }),
          },
          {
            type: 'fields',
            rows: [
              [say(lang, { ko: '요청 번호', en: 'Order id' }), id],
              [say(lang, { ko: '과징금', en: 'Fine' }), total],
              [say(lang, { ko: '적용 기준(정책)', en: 'Schedule (policy)' }), fine.policyId],
              ...timeRows({ ko: '조치 기한', en: 'Deadline' }, deadlinesOf(order).deadlineAt, tz, lang),
              ...(order.compliedAt ? timeRows({ ko: '조치 보고', en: 'Compliance reported' }, order.compliedAt, tz, lang) : []),
            ],
          },
          { type: 'heading', text: say(lang, { ko: '산정 내역', en: 'How it was computed' }) },
          { type: 'list', items: fine.breakdown.map((line) => `${line.item}: ${money(line.amount, fine.currency)}`) },
          { type: 'heading', text: say(lang, { ko: '이의 제기', en: 'How to contest' }) },
          {
            type: 'paragraph',
            text: say(lang, {
              ko: `과징금에 이의가 있으면 요청 번호 ${id}와 이유를 적어 이 통지에 회신하거나 위원회에 서면으로 제출해 주십시오. 산정 내역은 정책 ${fine.policyId}에 따른 것입니다.`,
              en: `To contest the fine, reply to this notice or write to the Commission, quoting order ${id} and your reasons. The computation above follows policy ${fine.policyId}.`,
            }),
          },
          footer(lang),
        ],
        lang,
      );
    }
    default:
      return assertNever(notice, 'notice');
  }
}

/** Staff read both languages: a short bilingual frame around the caller's own lines. */
export function renderStaffAlert(caseId: string, alert: StaffAlert): RenderedEmail {
  return email(
    `[Staff alert / 직원 알림] ${alert.subject} (${caseId})`,
    [
      { type: 'fields', rows: [['Case / 사건', caseId]] },
      { type: 'list', items: alert.lines.map(oneLine) },
      {
        type: 'paragraph',
        text: `Open the case in the web UI (#/cases/${caseId}) to act.\n웹 화면에서 사건(#/cases/${caseId})을 열어 처리해 주십시오.`,
      },
    ],
    'en',
  );
}

export interface ContactChangeInput {
  readonly operator: Pick<Operator, 'operatorId' | 'name' | 'language'>;
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly at: string;
  readonly policy: Pick<Policy, 'timeZone'>;
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
          ko: '위원회가 귀사에 보내는 삭제 요청 등 법적 통지를 받을 주소가 아래와 같이 변경되었습니다. 요청하지 않은 변경이라면 즉시 위원회에 알려 주십시오.',
          en: "The addresses where the Commission sends your service's legal notices, removal orders included, have changed as below. If nobody at your service asked for this, tell the Commission at once.",
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
    ],
    lang,
  );
}
