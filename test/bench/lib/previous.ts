/**
 * The last run's figures, so that each figure prints beside the one before it, with the date and
 * the machine's load of both: a figure alone says little, and the load moves every figure.
 */

export interface PreviousFigure {
  summary: string;
  measuredAt?: string;
  loadAverage1mAtStart?: number;
}

interface StoredRun {
  machine?: { date?: string; loadAverage1mAtStart?: number };
  figures?: Record<string, { ok?: boolean; summary?: string; measuredAt?: string; loadAverage1mAtStart?: number }>;
}

/**
 * Figure id → what the results file says of it. A figure run alone carries its own date and load;
 * one from a whole run takes the run's.
 */
export function previousFigures(results: unknown): Map<string, PreviousFigure> {
  const run = (typeof results === 'object' && results !== null ? results : {}) as StoredRun;
  const figures = new Map<string, PreviousFigure>();
  for (const [id, figure] of Object.entries(run.figures ?? {})) {
    const measuredAt = figure.measuredAt ?? run.machine?.date;
    const load = figure.loadAverage1mAtStart ?? run.machine?.loadAverage1mAtStart;
    figures.set(id, {
      summary: figure.ok === false ? 'FAILED' : (figure.summary ?? ''),
      ...(measuredAt !== undefined ? { measuredAt } : {}),
      ...(load !== undefined ? { loadAverage1mAtStart: load } : {}),
    });
  }
  return figures;
}

/** One line for the table: the previous figure, when and under what load it was measured. */
export function previousLine(previous: PreviousFigure | undefined): string {
  if (previous === undefined) return 'previous: none';
  const when = previous.measuredAt?.slice(0, 16).replace('T', ' ') ?? 'unknown date';
  const load = previous.loadAverage1mAtStart ?? 'unknown';
  return `previous: ${previous.summary} (${when} UTC, load ${load})`;
}
