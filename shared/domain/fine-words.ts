/**
 * A fine's breakdown in the reader's language: the FINE notices print it, and the web screens show
 * it, so an operator reads the same words in its mail and on its screen. English is the line's own
 * `item` (shared/domain/fines.ts writes it); Korean is said from the line's `code` and the fine's
 * stored inputs.
 */
import { severityScore, tierOf } from './fines';
import { numberFormat } from './formatters';
import { assertNever, type Fine, type FineBreakdownLine, type LANGUAGES } from './model';

type Language = (typeof LANGUAGES)[number];

const AMOUNT: Intl.NumberFormatOptions = { maximumFractionDigits: 2 };
const RATE: Intl.NumberFormatOptions = { style: 'percent', maximumFractionDigits: 4 };

/** An amount as the notices write it: digits grouped, then the ISO currency code. */
export function money(amount: number, currency: string): string {
  return `${numberFormat('en-US', AMOUNT).format(amount)} ${currency}`;
}

export function percent(rate: number, lang: Language): string {
  return numberFormat(lang, RATE).format(rate);
}

/** A breakdown line in the reader's language, from its `code` and the fine's stored inputs. */
export function breakdownLabel(line: FineBreakdownLine, fine: Fine, lang: Language): string {
  const inputs = fine.inputs;
  if (lang === 'en' || inputs === undefined) return lang === 'en' ? line.item : '산정 항목';
  const f = inputs.schedule;
  const p = (rate: number): string => percent(rate, lang);
  switch (line.code) {
    case 'BASE': {
      const score = severityScore(f, inputs.grades);
      const tier = tierOf(f, score);
      return `기본 과징금: 위반 정도 3단계 중 ${tier}단계(점수 ${score}), 매출액의 ${p(f.tierRates[`tier${tier}` as const])}`;
    }
    case 'LATENESS': {
      const hours = Math.min(inputs.lateHours, f.lateSurchargeMaxHours);
      const limit = hours < inputs.lateHours ? `(최대 ${f.lateSurchargeMaxHours}시간까지 산정)` : '';
      return `지연 가산금: ${hours}시간 × 매출액의 ${p(f.lateSurchargeRatePerHour)}${limit}`;
    }
    case 'MINIMUM':
      return '최저 과징금까지 상향';
    case 'CAP':
      return `법정 상한(매출액의 ${p(f.capRate)})으로 감액`;
    case 'PERIOD_CAP':
      return `${inputs.period.id} 기간 법정 상한(매출액의 ${p(f.capRate)}) 중 남은 한도로 감액(같은 기간에 이미 산정된 과징금 ${money(inputs.period.finedBefore, fine.currency)})`;
    case 'DECISION':
      return '직원 결정에 따른 감액';
    case undefined:
      return '산정 항목';
    default:
      return assertNever(line.code, 'fine breakdown line');
  }
}
