import type { SqlClient } from '@oars/db';
import type { AlertRecord } from '@oars/domain';
import { PLATFORM_STREAM } from '@oars/eventstore';
import type { CommandDeps } from '@oars/ledger';
import { type Reactor, setTimer } from '@oars/reactors';
import { SLOS } from '../slo/slo.definitions';
import { type AuthFailureSpikeOptions, authFailureSpikeAlerts } from './auth-failure-spike.rule';
import { countAuthFailures, sumBurnWindows } from './governance-signals.store';
import { raiseAlert } from './raise-alert';
import { type SloBurnOptions, sloBurnAlerts } from './slo-burn.rule';

/** The reactor's name: its lease and its timer. */
export const GOVERNANCE_SIGNALS_REACTOR = 'governance_signals';
/** Its one timer, in the platform stream: the signals are evaluated across tenants in one go. */
const TIMER = 'evaluate';

export interface GovernanceSignalsOptions {
  /** How often the signals are evaluated. */
  intervalMs: number;
  authFailureSpike: AuthFailureSpikeOptions;
  sloBurn: SloBurnOptions;
}

/** The governance alerts of signals that are not receipts, as of `now` (auth failure spikes, SLO burn). */
export async function evaluateGovernanceSignals(sql: SqlClient, options: Omit<GovernanceSignalsOptions, 'intervalMs'>, now: Date): Promise<AlertRecord[]> {
  const [auth, burn] = await Promise.all([
    countAuthFailures(sql, new Date(now.getTime() - options.authFailureSpike.windowMs)),
    sumBurnWindows(sql, now),
  ]);
  return [...authFailureSpikeAlerts(auth, options.authFailureSpike, now), ...sloBurnAlerts(SLOS, burn, now, options.sloBurn)];
}

/**
 * Governance alerts of what is measured rather than receipted: AUTH_FAILURE_SPIKE (the `auth`
 * security events of every tenant) and SLO_FAST_BURN / SLO_SLOW_BURN (the shared SLO minutes), on
 * one durable timer in the platform stream that re-arms itself every `intervalMs`. The timer is set
 * (due at once) by the first `key.generated` this process sees in any stream, so a deployment
 * arms it with its first tenant and a restarted one finds it in `reactor_timers`. Alert ids carry a
 * time bucket: evaluating the same condition again raises nothing new. It never parks its timer.
 */
export function governanceSignalsReactor(deps: CommandDeps & { sql: SqlClient }, options: GovernanceSignalsOptions, now: () => Date = () => new Date()): Reactor {
  let armedAt = -Infinity;
  return {
    name: GOVERNANCE_SIGNALS_REACTOR,
    maxAttempts: Infinity,
    eventTypes: ['key.generated'],
    async handle() {
      const at = now().getTime();
      if (at - armedAt < options.intervalMs) return;
      await setTimer(deps.sql, GOVERNANCE_SIGNALS_REACTOR, PLATFORM_STREAM, TIMER, new Date(at), null);
      armedAt = at;
    },
    async onTimer(_timer, ctx) {
      const at = now();
      for (const alert of await evaluateGovernanceSignals(deps.sql, options, at)) await raiseAlert(deps, alert);
      await ctx.setTimer(TIMER, at.getTime() + options.intervalMs);
    },
  };
}
