import type { SqlClient } from '@oars/db';
import { parkTimer } from './reactor-dead-letters.store';
import type { ReactorLogger } from './reactor-host';
import type { ReactorSlot } from './reactor-slot';
import { type StoredTimer, dueTimers, nextTimerDueAt, timerFailed, timerFired } from './reactor-timers.store';

export interface TimerFiring {
  sql: SqlClient;
  slot: ReactorSlot;
  now: () => number;
  logger: ReactorLogger;
  /** Runs a timer's task in the background (the host awaits them on stop). */
  track: (task: Promise<void>) => void;
}

const timerId = (t: { stream: string; key: string }) => `${t.stream}\u0001${t.key}`;

/**
 * Starts the due timers of one reactor, each as its own task (up to its `timerConcurrency`), then
 * notes when the next one not running now is due. A timer is deleted once its handler resolved; a
 * failure moves it to its next try (backoff), and after `maxAttempts` it is parked.
 */
export async function fireDueTimers(f: TimerFiring): Promise<void> {
  const { slot, sql } = f;
  const setBefore = slot.timersSet;
  const room = slot.timerConcurrency - slot.runningTimers.size;
  const due = await dueTimers(sql, slot.name, new Date(f.now()), room + slot.runningTimers.size);
  let launched = 0;
  for (const timer of due) {
    if (launched >= room || !slot.leased) break;
    const id = timerId(timer);
    if (slot.runningTimers.has(id)) continue;
    slot.runningTimers.add(id);
    launched++;
    f.track(fire(f, timer).finally(() => {
      slot.runningTimers.delete(id);
      slot.nextTimerAt = f.now(); // look again: the next one may be due already
    }));
  }
  const next = await nextTimerDueAt(sql, slot.name, [...slot.runningTimers].map((id) => id.split('\u0001') as [string, string]));
  slot.nextTimerAt = slot.timersSet === setBefore ? next : f.now();
}

async function fire(f: TimerFiring, timer: StoredTimer): Promise<void> {
  const { slot, sql } = f;
  const ctx = slot.context(timer.stream);
  try {
    await slot.reactor.onTimer!({ stream: timer.stream, key: timer.key, dueAt: timer.dueAt, payload: timer.payload, attempts: timer.attempts }, ctx);
    await timerFired(sql, slot.name, timer);
    slot.timersPending = Math.max(0, slot.timersPending - 1);
    if (slot.timerProblem?.key === timer.key) slot.timerProblem = null;
  } catch (err) {
    if (ctx.signal.aborted) return; // stopped or lease lost: the timer stays and fires again
    const reason = err instanceof Error ? err.message : String(err);
    const attempts = timer.attempts + 1;
    slot.retries++;
    try {
      if (attempts >= slot.maxAttempts) {
        await parkTimer(sql, slot.name, timer, reason, attempts);
        slot.deadLetters++;
        slot.timersPending = Math.max(0, slot.timersPending - 1);
        if (slot.timerProblem?.key === timer.key) slot.timerProblem = null;
        f.logger.error({ reactor: slot.name, stream: timer.stream, key: timer.key, attempts, err: reason }, 'reactors: timer parked as a dead letter');
        return;
      }
      await timerFailed(sql, slot.name, timer, new Date(f.now() + slot.backoff(attempts)), reason);
    } catch (storeErr) {
      f.logger.warn({ reactor: slot.name, key: timer.key, err: storeErr instanceof Error ? storeErr.message : String(storeErr) }, 'reactors: cannot record a timer failure');
    }
    slot.timerProblem = { key: timer.key, message: `${reason} (try ${attempts}${Number.isFinite(slot.maxAttempts) ? ` of ${slot.maxAttempts}` : ''})` };
    f.logger.warn({ reactor: slot.name, stream: timer.stream, key: timer.key, attempts, err: reason }, 'reactors: timer failed; will retry');
  }
}
