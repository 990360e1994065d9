/** The figures of `npm run bench`, in the order the table shows them. Loaded lazily, one per process. */
import type { Figure } from './lib/figure';
import { soakSettings } from './lib/soak-checks';

export interface FigureEntry {
  readonly id: string;
  readonly title: string;
  /** The runner stops a figure that runs longer than this and reports it as failed. */
  readonly budgetSeconds: number;
  /**
   * Runs only when named (`npm run bench -- <id>`), never in the whole run, and outside the whole
   * run's 10-minute budget: it takes longer than that by itself.
   */
  readonly onlyWhenNamed?: boolean;
  load(): Promise<Figure>;
}

/** After the soak's arrivals: in-flight cases, the notice backlog, the last deadlines, the final scans. */
const SOAK_DRAIN_SECONDS = 600;

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
  {
    id: 'soak',
    title: '12. Soak with kill -9',
    // Read when the figure is run, so that a bad SOAK_* setting stops only the soak.
    get budgetSeconds() {
      return soakSettings(process.env).seconds + SOAK_DRAIN_SECONDS;
    },
    onlyWhenNamed: true,
    load: async () => (await import('./soak')).figure,
  },
];
