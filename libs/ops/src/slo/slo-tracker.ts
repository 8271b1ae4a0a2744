import type { SqlExecutor } from '@oars/db';
import { SLOS, SLO_PERIOD_MS, type SliId } from './slo.definitions';
import { addSloMinutes, pruneSloMinutes, sumSloWindows, type SloMinuteDelta } from './slo-minutes.store';
import { REPORT_WINDOWS, type SloReport, type WindowCounts, emptyWindowCounts, reportSlo } from './slo-report';

export interface SloTrackerOptions {
  sql: SqlExecutor;
  /** How often this process adds its minutes to `slo_minutes` and re-reads the sums (default 10 s). */
  flushIntervalMs?: number;
  onError?: (err: unknown) => void;
}

const PRUNE_EVERY_MS = 3600_000;
const KEEP_MS = SLO_PERIOD_MS + 24 * 3600_000;

/**
 * Per-minute good/total counts of every SLI. Each process counts in memory and adds its minutes to
 * the shared `slo_minutes` table every ~10 s, then re-reads the window sums of all instances; a report
 * is those sums plus what this process has not flushed yet. So a restart loses at most the last
 * unflushed seconds, and several instances add up. The persisted part is as fresh as the last flush.
 */
export class SloTracker {
  private pending = new Map<string, SloMinuteDelta>();
  private inFlight: Map<string, SloMinuteDelta> | null = null;
  private persisted = new Map<string, WindowCounts>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private lastPruneAt = 0;
  /** When the shared sums were last read (epoch ms; 0 = never) and the last flush error. */
  readonly lastFlush: { at: number; error: string | null } = { at: 0, error: null };

  constructor(private readonly options: SloTrackerOptions) {}

  /** Counts one event of `sli` as good or bad. */
  record(sli: SliId, good: boolean, now = Date.now()): void {
    this.recordCounts(sli, good ? 1 : 0, 1, now);
  }

  recordCounts(sli: SliId, good: number, total: number, now = Date.now()): void {
    if (total <= 0) return;
    const minute = now - (now % 60_000);
    const key = `${sli}|${minute}`;
    const delta = this.pending.get(key) ?? { sli, minute, good: 0, total: 0 };
    delta.good += good;
    delta.total += total;
    this.pending.set(key, delta);
  }

  start(): void {
    if (this.timer) return;
    void this.flush();
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 10_000);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Adds the pending minutes to the table and re-reads the shared sums (one at a time). */
  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = null));
    return this.flushing;
  }

  report(now = Date.now()): SloReport[] {
    return SLOS.map((def) => reportSlo(def, this.countsOf(def.id, now)));
  }

  private countsOf(sli: string, now: number): WindowCounts {
    const base = this.persisted.get(sli) ?? emptyWindowCounts();
    const counts = emptyWindowCounts();
    for (const w of Object.keys(counts) as Array<keyof WindowCounts>) counts[w] = { ...base[w] };
    for (const source of [this.pending, this.inFlight]) {
      for (const d of source?.values() ?? []) {
        if (d.sli !== sli) continue;
        for (const [w, ms] of Object.entries(REPORT_WINDOWS) as Array<[keyof WindowCounts, number]>) {
          if (d.minute >= now - ms) {
            counts[w].good += d.good;
            counts[w].total += d.total;
          }
        }
      }
    }
    return counts;
  }

  private async doFlush(): Promise<void> {
    const now = Date.now();
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    try {
      await addSloMinutes(this.options.sql, [...batch.values()].filter((d) => d.minute >= now - KEEP_MS));
    } catch (err) {
      this.restore(batch);
      this.fail(err);
      return;
    }
    try {
      const sums = await sumSloWindows(this.options.sql, now);
      this.persisted = sums;
      this.inFlight = null;
      this.lastFlush.at = now;
      this.lastFlush.error = null;
    } catch (err) {
      // Stored but not re-read: keep counting the batch from memory until a later read includes it.
      this.restoreAsPersisted(batch);
      this.fail(err);
    }
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = now;
      await pruneSloMinutes(this.options.sql, now - KEEP_MS).catch((err) => this.fail(err));
    }
  }

  private restore(batch: Map<string, SloMinuteDelta>): void {
    this.inFlight = null;
    for (const [key, d] of batch) {
      const cur = this.pending.get(key);
      if (cur) {
        cur.good += d.good;
        cur.total += d.total;
      } else this.pending.set(key, d);
    }
  }

  /** The batch is in the table, but the sums in memory predate it: add it to them. */
  private restoreAsPersisted(batch: Map<string, SloMinuteDelta>): void {
    const now = Date.now();
    for (const d of batch.values()) {
      const counts = this.persisted.get(d.sli) ?? emptyWindowCounts();
      for (const [w, ms] of Object.entries(REPORT_WINDOWS) as Array<[keyof WindowCounts, number]>) {
        if (d.minute >= now - ms) {
          counts[w].good += d.good;
          counts[w].total += d.total;
        }
      }
      this.persisted.set(d.sli, counts);
    }
    this.inFlight = null;
  }

  private fail(err: unknown): void {
    this.lastFlush.error = err instanceof Error ? err.message : String(err);
    this.options.onError?.(err);
  }
}
