/** The figures of `npm run bench`, in the order the table shows them. Loaded lazily, one per process. */
import type { Figure } from './lib/figure';

export interface FigureEntry {
  readonly id: string;
  readonly title: string;
  /** The runner stops a figure that runs longer than this and reports it as failed. */
  readonly budgetSeconds: number;
  load(): Promise<Figure>;
}

export const FIGURES: readonly FigureEntry[] = [
  { id: 'time-to-notice', title: '1. Time to notice', budgetSeconds: 180, load: async () => (await import('./time-to-notice')).figure },
  {
    id: 'deadline-lateness',
    title: '2. Deadline lateness',
    budgetSeconds: 240,
    load: async () => (await import('./deadline-lateness')).figure,
  },
  { id: 'engine-overhead', title: '3. Engine overhead', budgetSeconds: 90, load: async () => (await import('./engine-overhead')).figure },
  { id: 'bulk-report', title: '4. Bulk report', budgetSeconds: 90, load: async () => (await import('./bulk-report')).figure },
  { id: 'throughput', title: '5. Throughput', budgetSeconds: 120, load: async () => (await import('./throughput')).figure },
  { id: 'cost-per-case', title: '6. Cost per case on AWS', budgetSeconds: 120, load: async () => (await import('./cost-per-case')).figure },
  { id: 'cold-start', title: '7. Cold start proxy', budgetSeconds: 120, load: async () => (await import('./cold-start')).figure },
  { id: 'case-search', title: '8. Search at volume', budgetSeconds: 600, load: async () => (await import('./case-search')).figure },
  { id: 'hash-match', title: '9. PDQ matching at volume', budgetSeconds: 240, load: async () => (await import('./hash-match')).figure },
  {
    id: 'open-cases',
    title: '10. Open cases: memory and restart',
    budgetSeconds: 300,
    load: async () => (await import('./open-cases')).figure,
  },
  {
    id: 'workflow-limits',
    title: "11. The largest case against AWS's limits",
    budgetSeconds: 300,
    load: async () => (await import('./workflow-limits')).figure,
  },
];
