/** Health of a consumer (STYLE.md §9): dashboards and `/health/ready` read this, not logs. */
export type ProjectorState = 'NOT_READY' | 'OK' | 'WARN' | 'ERROR';

export interface ProjectorStatus {
  state: ProjectorState;
  message: string;
  /** Events known to be in the streams and not yet applied, summed over tenants. */
  lagEvents: number;
  /** When the last batch committed (ISO-8601), or null. */
  lastAppliedAt: string | null;
  /** Number of tenant streams followed. */
  tenants: number;
  /**
   * Tenants whose projection is failing (ERROR: retried until it works), blocked on a gap (WARN), or
   * retrying an event that fails on its own data before parking it (WARN), with the reason.
   */
  problems: TenantProblem[];
  /** Events parked in `projection_dead_letters` and not resolved, all tenants (`oars projections dead-letters`). */
  deadLetters: number;
  /** Each projection's lag, in the projector's order. */
  projections: ProjectionLag[];
}

export interface ProjectionLag {
  projection: string;
  /** Events in the streams it has not applied, summed over tenants. */
  lagEvents: number;
  /** Tenants on which it is behind the others and catching up (a projection added later, or reset). */
  catchingUp: number;
}

export interface TenantProblem {
  tenant: string;
  level: 'WARN' | 'ERROR';
  message: string;
  attempts: number;
}

/** The projector's view of one tenant stream. */
export interface TenantProgress {
  position: number;
  head: number;
  attempts: number;
  retryAt: number;
  problem: { level: 'WARN' | 'ERROR'; message: string } | null;
  /** Events per batch while a batch fails: halved per failure, so the receipts before a bad one still land. */
  limit?: number;
  /** Consecutive deterministic failures of the next event alone; at the projector's bound it is parked. */
  rejections: number;
}

/** Where the projector stands with a tenant's projections. */
export interface TenantProjections {
  /** The live lane: from the read position (the leading checkpoint) on. */
  live: TenantProgress;
  /** While some projections are behind the others: their lane, from the lowest checkpoint. */
  catchUp: TenantProgress | null;
  /** Each projection's checkpoint as last known. */
  checkpoints: ReadonlyMap<string, number>;
}

export function summariseStatus(input: {
  running: boolean;
  ready: boolean;
  pollError: string | null;
  lastAppliedAt: string | null;
  tenants: ReadonlyMap<string, TenantProjections>;
  /** The projections followed, in order. */
  projections: readonly string[];
  /** Open dead letters per tenant. */
  deadLetters: ReadonlyMap<string, number>;
}): ProjectorStatus {
  let lagEvents = 0;
  const problems: TenantProblem[] = [];
  const lags = new Map(input.projections.map((projection) => [projection, { projection, lagEvents: 0, catchingUp: 0 }]));
  for (const [tenant, { live, catchUp, checkpoints }] of input.tenants) {
    lagEvents += Math.max(0, live.head - live.position);
    if (live.problem) problems.push({ tenant, level: live.problem.level, message: live.problem.message, attempts: live.attempts });
    const behind: string[] = [];
    for (const lag of lags.values()) {
      const position = checkpoints.get(lag.projection) ?? 0;
      lag.lagEvents += Math.max(0, live.head - position);
      if (catchUp && position < live.position) {
        lag.catchingUp++;
        behind.push(lag.projection);
      }
    }
    if (catchUp?.problem) problems.push({ tenant, level: catchUp.problem.level, message: `catching up ${behind.join(', ')}: ${catchUp.problem.message}`, attempts: catchUp.attempts });
  }
  const projections = [...lags.values()];
  const catching = projections.filter((p) => p.catchingUp > 0);
  const catchingNote = catching.length > 0 ? `; catching up ${catching.map((p) => `${p.projection} (${p.lagEvents} event(s) behind)`).join(', ')}` : '';
  const parked = [...input.deadLetters].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  const deadLetters = parked.reduce((sum, [, n]) => sum + n, 0);
  const base = { lagEvents, lastAppliedAt: input.lastAppliedAt, tenants: input.tenants.size, problems, deadLetters, projections };
  if (!input.running) return { ...base, state: 'NOT_READY', message: 'Projector is not running.' };
  if (!input.ready) return { ...base, state: 'NOT_READY', message: `Loading checkpoints${input.pollError ? `: ${input.pollError}` : '.'}` };
  const parkedNote = deadLetters > 0
    ? `${deadLetters} event(s) parked as dead letters, not in the read models (${parked.slice(0, 5).map(([t, n]) => `${t}: ${n}`).join(', ')}${parked.length > 5 ? ', ...' : ''}); see oars projections dead-letters.`
    : null;
  const also = parkedNote ? `; ${parkedNote}` : '';
  const errors = problems.filter((p) => p.level === 'ERROR');
  if (errors.length > 0) {
    return { ...base, state: 'ERROR', message: `${errors.length} tenant projection(s) failing; ${errors[0].tenant}: ${errors[0].message}${also}` };
  }
  if (problems.length > 0) return { ...base, state: 'WARN', message: `${problems[0].tenant}: ${problems[0].message}${also}` };
  if (parkedNote) return { ...base, state: 'WARN', message: parkedNote };
  if (input.pollError) return { ...base, state: 'WARN', message: `Cannot list streams: ${input.pollError}` };
  return { ...base, state: 'OK', message: `Following ${input.tenants.size} tenant stream(s), ${lagEvents} event(s) behind${catchingNote}.` };
}
