import { appendCheckpoint, type CommandDeps } from '@oars/ledger';
import type { Reactor } from '@oars/reactors';

/** The reactor's name: its checkpoints, lease and timers. */
export const CHECKPOINTS_REACTOR = 'checkpoints';
const TIMER = 'checkpoint';
/** An idle stream is looked at less and less often: at most every 2^4 intervals. */
const MAX_IDLE_DOUBLINGS = 4;

/**
 * Periodic signed Merkle checkpoints: a durable timer per stream, armed by the stream's first
 * receipt (`key.generated`), so the host never reads the other events for it. Each firing appends a
 * checkpoint of the head when it has news, and re-arms: after `intervalMs`, or later and later (up
 * to 16 intervals) while the stream stays idle. Exports and proof requests append one on demand.
 * It never parks a timer: a stream without its timer would stop being checkpointed.
 */
export function checkpointsReactor(deps: CommandDeps, options: { intervalMs: number }, now: () => Date = () => new Date()): Reactor {
  return {
    name: CHECKPOINTS_REACTOR,
    maxAttempts: Infinity,
    eventTypes: ['key.generated'],
    async handle(_event, ctx) {
      await ctx.setTimer(TIMER, now().getTime() + options.intervalMs, { idle: 0 });
    },
    async onTimer(timer, ctx) {
      const { value } = await appendCheckpoint(deps, timer.stream, now());
      const idle = value ? 0 : Math.min(idleOf(timer.payload) + 1, MAX_IDLE_DOUBLINGS);
      await ctx.setTimer(TIMER, now().getTime() + options.intervalMs * 2 ** idle, { idle });
    },
  };
}

function idleOf(payload: unknown): number {
  const idle = (payload as { idle?: unknown } | null)?.idle;
  return typeof idle === 'number' && Number.isInteger(idle) && idle >= 0 ? idle : 0;
}
