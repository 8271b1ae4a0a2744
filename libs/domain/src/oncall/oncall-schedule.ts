import { type Handoff, type OnCallAssignee, type OnCallRole, type OnCallRoster, type Rotation, WEEKDAYS } from './oncall.types';

const DAY_MS = 86_400_000;

/** Who is on call in one rotation at an instant, and when the shift changes hands. */
export interface RotationOnCall {
  rotationId: string;
  name: string;
  primary: OnCallAssignee | null;
  secondary: OnCallAssignee | null;
  /** Start of the scheduled shift in progress (null before the rotation starts). */
  shiftStartedAt: string | null;
  nextHandoffAt: string;
}

export function periodMsOf(handoff: Handoff): number {
  return handoff.every === 'day' ? DAY_MS : 7 * DAY_MS;
}

/** The latest hand-off boundary at or before `at` (epoch ms). */
export function handoffAtOrBefore(handoff: Handoff, at: number): number {
  const [hours, minutes] = handoff.at.split(':').map(Number) as [number, number];
  const day = new Date(at);
  let boundary = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, minutes);
  if (handoff.every === 'week') {
    const weekday = WEEKDAYS.indexOf(handoff.weekday ?? 'monday');
    boundary -= ((new Date(boundary).getUTCDay() - weekday + 7) % 7) * DAY_MS;
  }
  while (boundary > at) boundary -= periodMsOf(handoff);
  return boundary;
}

/**
 * The scheduled shift at `at`: members take turns from the hand-off at or before `startsAt`, each for
 * one period; the secondary is the next in line. Before `startsAt` nobody is scheduled (the next
 * hand-off is `startsAt` itself).
 */
export function scheduledShift(rotation: Pick<Rotation, 'members' | 'handoff' | 'startsAt'>, at: number) {
  const period = periodMsOf(rotation.handoff);
  const anchor = handoffAtOrBefore(rotation.handoff, Date.parse(rotation.startsAt));
  const n = rotation.members.length;
  const startsAt = Date.parse(rotation.startsAt);
  if (at < startsAt || n === 0) return { primary: null, secondary: null, shiftStartedAt: null, nextHandoffAt: startsAt };
  const shift = Math.floor((at - anchor) / period);
  return {
    primary: rotation.members[shift % n]!,
    secondary: n > 1 ? rotation.members[(shift + 1) % n]! : null,
    shiftStartedAt: anchor + shift * period,
    nextHandoffAt: anchor + (shift + 1) * period,
  };
}

/** The override covering `role` at `at`: of overlapping ones, the one added last. */
function overrideAt(rotation: Rotation, role: OnCallRole, at: number): OnCallAssignee | null {
  for (let i = rotation.overrides.length - 1; i >= 0; i--) {
    const o = rotation.overrides[i]!;
    if (o.role === role && Date.parse(o.from) <= at && at < Date.parse(o.to)) return { userId: o.userId, source: 'override', overrideId: o.overrideId };
  }
  return null;
}

/** Who is primary and secondary in a rotation at `at`: overrides win over the schedule. */
export function rotationOnCallAt(rotation: Rotation, at: Date): RotationOnCall {
  const t = at.getTime();
  const shift = scheduledShift(rotation, t);
  const scheduled = (userId: string | null): OnCallAssignee | null => (userId ? { userId, source: 'schedule', overrideId: null } : null);
  return {
    rotationId: rotation.rotationId,
    name: rotation.name,
    primary: overrideAt(rotation, 'primary', t) ?? scheduled(shift.primary),
    secondary: overrideAt(rotation, 'secondary', t) ?? scheduled(shift.secondary),
    shiftStartedAt: shift.shiftStartedAt === null ? null : new Date(shift.shiftStartedAt).toISOString(),
    nextHandoffAt: new Date(shift.nextHandoffAt).toISOString(),
  };
}

/** Whom an incident pages: the first rotation (rosters in priority order, rotations in creation order) with a primary on call. */
export function whoIsOnCall(rosters: ReadonlyArray<{ stream: string; roster: OnCallRoster }>, at: Date): (RotationOnCall & { stream: string }) | null {
  for (const { stream, roster } of rosters) {
    for (const rotation of roster.rotations) {
      const now = rotationOnCallAt(rotation, at);
      if (now.primary) return { ...now, stream };
    }
  }
  return null;
}
