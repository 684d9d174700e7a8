import type { Jurisdiction } from '../../jurisdictions/index.ts';
import type { Officer } from '../../officers/model.ts';
import type { Clock } from '../../ports.ts';
import type { TipStatus } from '../../tip/tip.ts';
import { visibleQueues } from './access.ts';

/** Counts the tips of one queue and status, and how many of them are past their deadline. */
export interface QueueCounter {
  count(query: { readonly pack: string; readonly queue: string; readonly status: TipStatus; readonly now: Date }): Promise<{ readonly total: number; readonly overdue: number }>;
}

/** Open tips of one queue, for the console's map. */
export interface QueueSummary {
  readonly queue: string;
  readonly new: number;
  readonly assigned: number;
  readonly inProgress: number;
  /** Open tips past their legal deadline. */
  readonly overdue: number;
}

const openStatuses = ['NEW', 'ASSIGNED', 'IN_PROGRESS'] as const;

/** Queries at a time, so a city-desk summary does not burst 69 reads at once. */
const parallelCounts = 8;

/** Open tips per queue the officer may see: the city desk sees every unit and CITY. */
export async function summariseQueues(
  officer: Officer,
  deps: { readonly counter: QueueCounter; readonly clock: Clock; readonly jurisdiction: Jurisdiction },
): Promise<{ readonly queues: readonly QueueSummary[] }> {
  const now = deps.clock.now();
  const queues = visibleQueues(officer, deps.jurisdiction);
  const pack = deps.jurisdiction.id;
  const jobs = queues.flatMap((queue) => openStatuses.map((status) => ({ pack, queue, status })));
  const results = new Map<string, { total: number; overdue: number }>();
  for (let start = 0; start < jobs.length; start += parallelCounts) {
    const slice = jobs.slice(start, start + parallelCounts);
    const counts = await Promise.all(slice.map((job) => deps.counter.count({ ...job, now })));
    slice.forEach((job, index) => results.set(`${job.queue}#${job.status}`, counts[index] ?? { total: 0, overdue: 0 }));
  }
  return {
    queues: queues.map((queue) => {
      const of = (status: TipStatus) => results.get(`${queue}#${status}`) ?? { total: 0, overdue: 0 };
      return {
        queue,
        new: of('NEW').total,
        assigned: of('ASSIGNED').total,
        inProgress: of('IN_PROGRESS').total,
        overdue: openStatuses.reduce((sum, status) => sum + of(status).overdue, 0),
      };
    }),
  };
}
