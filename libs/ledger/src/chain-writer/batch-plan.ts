import type { Receipt } from '@oars/receipts';
import type { BuildContext, Job, PlannedJob } from './chain-writer.types';

/**
 * Runs the builds of one attempt on the head's settings. Builds only read (existence checks,
 * state): they run side by side so one slow read does not add up across the group. A job that
 * continues the stored prefix of an earlier attempt is not built again; a build that throws
 * rejects its job.
 */
export async function buildJobs(tenantId: string, jobs: readonly Job[], settings: ReadonlyMap<string, Receipt>, head: BuildContext['head']): Promise<PlannedJob[]> {
  const built = await Promise.allSettled(
    jobs.map(async (job) => (job.remaining ? null : job.build({ tenantId, attempt: job.attempt, setting: (subject) => settings.get(subject) ?? null, head }))),
  );
  const planned: PlannedJob[] = [];
  jobs.forEach((job, i) => {
    const outcome = built[i]!;
    if (job.remaining) {
      const stored = job.stored ?? [];
      const finishPrev = job.finish!;
      planned.push({ job, drafts: job.remaining, finish: (r) => finishPrev([...stored, ...r]) });
    } else if (outcome.status === 'rejected') {
      job.reject(outcome.reason);
    } else if (outcome.value) {
      planned.push({ job, drafts: outcome.value.drafts, finish: outcome.value.finish });
    }
  });
  return planned;
}

/**
 * Cuts the planned jobs into the ones this append carries and the ones deferred to the next round:
 * - two queued commands for one id (a raced retry) must not land in one append: the later one
 *   waits for the next round, where it finds the first one's receipts;
 * - jobs queued after one that changes a setting were built on the old setting;
 * - a job that continues an aggregate (subject) an earlier job of this round also writes was built
 *   on the same snapshot: it is rebuilt after the first lands.
 */
export function cutBatch(planned: readonly PlannedJob[], settingsSubjects: ReadonlySet<string>): { carried: PlannedJob[]; deferred: Job[] } {
  const ids = new Set<string>();
  const subjects = new Set<string>();
  const carried: PlannedJob[] = [];
  const deferred: Job[] = [];
  let settingChanged = false;
  for (const p of planned) {
    if (settingChanged || p.drafts.some((d) => ids.has(d.receiptId) || subjects.has(d.subject))) {
      deferred.push(p.job);
      continue;
    }
    carried.push(p);
    for (const d of p.drafts) {
      ids.add(d.receiptId);
      subjects.add(d.subject);
    }
    if (p.drafts.some((d) => settingsSubjects.has(d.subject))) settingChanged = true;
  }
  return { carried, deferred };
}

/** Answers each carried job with its own receipts, in append order; `head` is the sequence after the append. */
export function resolveCarried(carried: readonly PlannedJob[], receipts: readonly Receipt[], head: number): void {
  let offset = 0;
  for (const p of carried) {
    const own = receipts.slice(offset, offset + p.drafts.length);
    offset += p.drafts.length;
    try {
      p.job.resolve({ value: p.finish(own), position: own.length ? own[own.length - 1]!.sequence : head });
    } catch (err) {
      p.job.reject(err);
    }
  }
}
