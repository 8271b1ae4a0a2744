import { type StreamCheckpoints, lowestPosition, readPosition } from '../checkpoints/checkpoint.store';
import type { TenantProgress, TenantProjections } from './projector-status';

/** A tenant's live lane (from the read position) or its catch-up lane (from the lowest checkpoint). */
export type Lane = 'live' | 'catch_up';

/** What taking a tenant's checkpoints changed. */
export interface TrackedCheckpoints {
  /** The read position now (the live lane is to move there). */
  position: number;
  /** The projections behind, when this opened the catch-up lane. */
  opened: string[] | null;
  /** True when this closed the catch-up lane: every projection is at the read position. */
  closed: boolean;
}

/**
 * The projector's view of each tenant: each projection's checkpoint as last known, the live lane,
 * and, while some projections are behind the others, the catch-up lane.
 */
export class TenantLanes {
  readonly byTenant = new Map<string, TenantProjections>();

  constructor(private readonly names: readonly string[]) {}

  get(tenant: string): TenantProjections {
    let t = this.byTenant.get(tenant);
    if (!t) {
      t = { live: freshProgress(0), catchUp: null, checkpoints: new Map(this.names.map((n) => [n, 0])) };
      this.byTenant.set(tenant, t);
    }
    return t;
  }

  lane(tenant: string, lane: Lane): TenantProgress | null {
    const t = this.get(tenant);
    return lane === 'live' ? t.live : t.catchUp;
  }

  /**
   * Takes the checkpoints of `tenant` as they are in the database (a projection without one is at 0)
   * and opens, moves or closes its catch-up lane. The caller moves the live lane.
   */
  track(tenant: string, checkpoints: StreamCheckpoints): TrackedCheckpoints {
    const t = this.get(tenant);
    t.checkpoints = new Map(this.names.map((n) => [n, checkpoints.get(n) ?? 0]));
    const position = readPosition(t.checkpoints);
    const lowest = lowestPosition(t.checkpoints);
    if (lowest < position) {
      const opened = t.catchUp ? null : this.names.filter((n) => t.checkpoints.get(n)! < position);
      t.catchUp ??= freshProgress(lowest);
      t.catchUp.position = lowest;
      t.catchUp.head = position;
      return { position, opened, closed: false };
    }
    const closed = t.catchUp !== null;
    t.catchUp = null;
    return { position, opened: null, closed };
  }
}

function freshProgress(position: number): TenantProgress {
  return { position, head: position, attempts: 0, retryAt: 0, problem: null, rejections: 0 };
}

/** A step of the lane worked: no failure is pending any more. */
export function recovered(p: TenantProgress): void {
  p.attempts = 0;
  p.retryAt = 0;
  p.problem = null;
  p.limit = undefined;
  p.rejections = 0;
}
