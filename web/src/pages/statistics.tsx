/**
 * Transparency statistics for staff and auditors: a month range, the figures of the whole range,
 * charts drawn by Observable Plot (SVG), each with a caption and its data as a table for screen
 * readers and for copying, the compliance of each operator, the yearly counts in the shape the
 * regulators publish, and the same figures as CSV.
 */
import * as Plot from '@observablehq/plot';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { rangeQuerySchema, type Durations, type MonthRange, type Rate, type Statistics } from '../../../shared/domain/statistics';
import { ErrorNote, Loaded, money, Section } from '../components/common';
import { formatDuration } from '../format';
import { useApp, useResource } from '../hooks';
import { useT, type MessageKey, type Translator } from '../i18n';

const percent = (rate: number | null, lang: string): string =>
  rate === null ? '–' : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(rate);

/** Plot's own font stack (system-ui) has no Korean glyphs on many machines; the page's web font has. */
const CHART_STYLE = { fontFamily: 'inherit', fontSize: '12px' };

/** Counts have no halves: an axis tick between two whole numbers stays unlabelled. */
const wholeNumbers = (value: number): string => (Number.isInteger(value) ? String(value) : '');

function RateText({ rate }: { rate: Rate }) {
  const { t, lang } = useT();
  if (rate.denominator === 0) return <span class="muted">{t('statNoData')}</span>;
  return <>{t('statOfTotal', { rate: percent(rate.rate, lang), numerator: rate.numerator, denominator: rate.denominator })}</>;
}

function DurationText({ durations }: { durations: Durations }) {
  const { t, lang } = useT();
  if (durations.p50Seconds === null || durations.p90Seconds === null) return <span class="muted">{t('statNoData')}</span>;
  return (
    <>
      {formatDuration(durations.p50Seconds * 1000, lang)} / {formatDuration(durations.p90Seconds * 1000, lang)}
    </>
  );
}

interface ChartProps {
  readonly id: string;
  readonly caption: string;
  /** Draws the chart at the width the page has for it. */
  readonly draw: (width: number) => SVGSVGElement | HTMLElement;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
}

/** A chart and its text alternative: the caption names it, the table holds every value it shows. */
function Chart({ id, caption, draw, columns, rows }: ChartProps) {
  const { t } = useT();
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return undefined;
    const chart = draw(Math.max(280, Math.min(720, element.clientWidth)));
    chart.setAttribute('aria-hidden', 'true');
    element.replaceChildren(chart);
    return () => element.replaceChildren();
  }, [draw]);
  return (
    <figure class="chart card" aria-labelledby={`${id}-caption`} data-chart={id}>
      <figcaption id={`${id}-caption`}>{caption}</figcaption>
      <div ref={holder} class="chart-plot" />
      <details>
        <summary>{t('statShowTable')}</summary>
        <table>
          <caption class="sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={String(row[0])}>
                {row.map((cell, index) =>
                  index === 0 ? (
                    <th key={columns[index]} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={columns[index]} class="num">
                      {cell}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function Charts({ statistics }: { statistics: Statistics }) {
  const { t, v, lang } = useT();
  const reports = t('statReports');
  const orders = t('statOrders');
  const monthly = statistics.byMonth.flatMap((m) => [
    { month: m.month, what: reports, count: m.reports },
    { month: m.month, what: orders, count: m.orders },
  ]);
  const compliance = statistics.byMonth.filter((m) => m.compliedInTime.rate !== null);
  const categories = statistics.byCategory.map((c) => ({ category: v(c.category), reports: c.reports }));
  const rotated = statistics.byMonth.length > 6;
  return (
    <div class="charts">
      <Chart
        id="chart-monthly"
        caption={t('chartReportsCaption')}
        draw={(width) =>
          Plot.plot({
            width,
            style: CHART_STYLE,
            height: 280,
            marginBottom: rotated ? 50 : 30,
            x: { axis: null, domain: [reports, orders] },
            y: { label: null, grid: true, tickFormat: wholeNumbers },
            fx: { label: null, tickRotate: rotated ? -45 : 0, padding: 0.2 },
            color: { legend: true, domain: [reports, orders], range: ['#2f5d8a', '#c46a1b'] },
            marks: [Plot.barY(monthly, { fx: 'month', x: 'what', y: 'count', fill: 'what' }), Plot.ruleY([0])],
          })
        }
        columns={[t('statMonth'), reports, orders]}
        rows={statistics.byMonth.map((m) => [m.month, m.reports, m.orders])}
      />
      <Chart
        id="chart-compliance"
        caption={t('chartComplianceCaption')}
        draw={(width) =>
          Plot.plot({
            width,
            style: CHART_STYLE,
            height: 240,
            marginBottom: rotated ? 50 : 30,
            x: {
              label: null,
              type: 'point',
              domain: statistics.byMonth.map((m) => m.month),
              tickRotate: rotated ? -45 : 0,
            },
            y: { label: null, domain: [0, 1], tickFormat: '%', grid: true },
            marks: [
              Plot.line(compliance, { x: 'month', y: (m: Statistics['byMonth'][number]) => m.compliedInTime.rate, stroke: '#2f5d8a' }),
              Plot.dot(compliance, { x: 'month', y: (m: Statistics['byMonth'][number]) => m.compliedInTime.rate, fill: '#2f5d8a' }),
            ],
          })
        }
        columns={[t('statMonth'), t('statCompliedInTime')]}
        rows={statistics.byMonth.map((m) => [
          m.month,
          m.compliedInTime.denominator === 0 ? t('statNoData') : percent(m.compliedInTime.rate, lang),
        ])}
      />
      <Chart
        id="chart-category"
        caption={t('chartCategoryCaption')}
        draw={(width) =>
          Plot.plot({
            width,
            style: CHART_STYLE,
            height: 180,
            marginLeft: Math.min(200, width / 2),
            x: { label: null, grid: true, tickFormat: wholeNumbers },
            y: { label: null },
            marks: [Plot.barX(categories, { y: 'category', x: 'reports', fill: '#2f5d8a' }), Plot.ruleX([0])],
          })
        }
        columns={[t('category'), reports]}
        rows={categories.map((c) => [c.category, c.reports])}
      />
    </div>
  );
}

function Summary({ statistics }: { statistics: Statistics }) {
  const { t, lang } = useT();
  const { total } = statistics;
  const items: [MessageKey, ComponentChildren][] = [
    ['statReports', total.reports],
    ['statOrders', total.orders],
    ['statReportToOrder', <DurationText key="statReportToOrder" durations={total.reportToOrder} />],
    ['statOrderToCompliance', <DurationText key="statOrderToCompliance" durations={total.orderToCompliance} />],
    ['statCompliedInTime', <RateText key="statCompliedInTime" rate={total.compliedInTime} />],
    ['statOverdue', <RateText key="statOverdue" rate={total.overdue} />],
    ['statUndelivered', <RateText key="statUndelivered" rate={total.undelivered} />],
    ['statRevoked', <RateText key="statRevoked" rate={total.revoked} />],
    ['statAppealsGranted', <RateText key="statAppealsGranted" rate={total.appealsGranted} />],
    ['statFines', `${total.fines.count} · ${money(total.fines.total, total.fines.currency, lang)}`],
  ];
  return (
    <Section title={t('statisticsSummary')} id="statistics-summary">
      <dl class="figures">
        {items.map(([key, value]) => (
          <div key={key} data-figure={key}>
            <dt>{t(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

function OperatorTable({ statistics }: { statistics: Statistics }) {
  const { t, lang } = useT();
  return (
    <Section title={t('statByOperatorTitle')} id="statistics-operators">
      <table class="board">
        <thead>
          <tr>
            <th scope="col">{t('statOperator')}</th>
            <th scope="col">{t('statOrders')}</th>
            <th scope="col">{t('statCompliedInTime')}</th>
            <th scope="col">{t('statOverdue')}</th>
            <th scope="col">{t('statUndelivered')}</th>
            <th scope="col">{t('statFines')}</th>
          </tr>
        </thead>
        <tbody>
          {statistics.byOperator.map((o) => (
            <tr key={o.operatorId} data-operator={o.operatorId}>
              <th scope="row" class="mono" data-label={t('statOperator')}>
                {o.operatorId}
              </th>
              <td class="num" data-label={t('statOrders')}>
                {o.orders}
              </td>
              <td data-label={t('statCompliedInTime')}>
                <RateText rate={o.compliedInTime} />
              </td>
              <td class="num" data-label={t('statOverdue')}>
                {o.overdue.numerator}
              </td>
              <td class="num" data-label={t('statUndelivered')}>
                {o.undelivered.numerator}
              </td>
              <td class="num" data-label={t('statFines')}>
                {o.fines.count} · {money(o.fines.total, o.fines.currency, lang)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

const KCSC_ROWS = [
  ['reportsReceived', 'kcscReportsReceived'],
  ['itemsDeliberated', 'kcscItemsDeliberated'],
  ['correctionRequests', 'kcscCorrectionRequests'],
  ['accessBlocking', 'kcscAccessBlocking'],
  ['deletion', 'kcscDeletion'],
  ['syntheticImagery', 'kcscSyntheticImagery'],
  ['objectionsFiled', 'kcscObjectionsFiled'],
  ['objectionsGranted', 'kcscObjectionsGranted'],
  ['averageHandlingDays', 'kcscAverageHandlingDays'],
] as const;

const ESAFETY_ROWS = [
  ['removalNoticesToHosts', 'esafetyRemovalNoticesToHosts'],
  ['blockingNotices', 'esafetyBlockingNotices'],
  ['noticesComplied', 'esafetyNoticesComplied'],
  ['penalties', 'esafetyPenalties'],
] as const;

function YearlyTable({ statistics, t }: { statistics: Statistics; t: Translator['t'] }) {
  const block = (
    title: MessageKey,
    rows: readonly (readonly [string, MessageKey])[],
    pick: (year: Statistics['byYear'][number]) => object,
  ) => (
    <>
      <tr>
        <th scope="rowgroup" colSpan={statistics.byYear.length + 1}>
          {t(title)}
        </th>
      </tr>
      {rows.map(([field, label]) => (
        <tr key={field} data-row={field}>
          <th scope="row">{t(label)}</th>
          {statistics.byYear.map((year) => (
            <td key={year.year} class="num">
              {String((pick(year) as Record<string, number | null>)[field] ?? '–')}
            </td>
          ))}
        </tr>
      ))}
    </>
  );
  return (
    <Section title={t('statYearlyTitle')} id="statistics-yearly">
      <p class="hint">{t('statYearlyNote')}</p>
      <table class="yearly">
        <thead>
          <tr>
            <th scope="col">{t('statYear')}</th>
            {statistics.byYear.map((year) => (
              <th key={year.year} scope="col" class="num">
                {year.year}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {block('statKcsc', KCSC_ROWS, (year) => year.kcsc)}
          {block('statEsafety', ESAFETY_ROWS, (year) => year.esafety)}
        </tbody>
      </table>
    </Section>
  );
}

export function StatisticsPage() {
  const { t } = useT();
  const { api, config } = useApp();
  const timeZone = config.policy.timeZone;
  const [range, setRange] = useState<MonthRange>(() => rangeQuerySchema(new Date().toISOString(), timeZone).parse({}));
  const [draft, setDraft] = useState<MonthRange>(range);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const statistics = useResource(() => api.statistics(range), [api, range.from, range.to]);
  const valid = rangeQuerySchema(new Date().toISOString(), timeZone).safeParse(draft);

  const download = async (): Promise<void> => {
    setDownloadError(null);
    try {
      const blob = await api.statisticsCsv(range);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `statistics-${range.from}-${range.to}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      setDownloadError(error);
    }
  };

  return (
    <section class="statistics">
      <div class="title-row">
        <h1>{t('statisticsTitle')}</h1>
        <button type="button" onClick={() => void download()} data-action="csv">
          {t('statisticsCsv')}
        </button>
      </div>
      <form
        class="range"
        onSubmit={(event) => {
          event.preventDefault();
          if (valid.success) setRange(valid.data);
        }}
      >
        <label>
          {t('statisticsFrom')}
          <input
            type="month"
            name="from"
            value={draft.from}
            required
            onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('statisticsTo')}
          <input type="month" name="to" value={draft.to} required onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </label>
        <button type="submit" disabled={!valid.success}>
          {t('statisticsShow')}
        </button>
      </form>
      {valid.success ? null : (
        <p class="error" role="alert">
          {valid.error.issues.map((issue) => t('error', { message: issue.message })).join(' ')}
        </p>
      )}
      {downloadError ? <ErrorNote error={downloadError} /> : null}
      <div aria-live="polite">
        <Loaded resource={statistics}>
          {(figures) => (
            <>
              <p class="hint">{t('statisticsIntro', { from: figures.range.from, to: figures.range.to, timeZone: figures.timeZone })}</p>
              <Summary statistics={figures} />
              <Charts statistics={figures} />
              <OperatorTable statistics={figures} />
              <YearlyTable statistics={figures} t={t} />
            </>
          )}
        </Loaded>
      </div>
    </section>
  );
}
