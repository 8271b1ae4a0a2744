/**
 * On-call rotations (operations manual, "On-Call Model": 24x7 primary and secondary). One aggregate
 * per stream, `oncall.rotations`: a tenant's own rotations in its stream, the platform-wide ones in
 * the platform stream. Every receipt of it carries the whole roster.
 */
export const ONCALL_SUBJECT = 'oncall.rotations';
export const ONCALL_ROTATION_SAVED = 'oncall.rotation_saved';
export const ONCALL_OVERRIDE_ADDED = 'oncall.override_added';
export const ONCALL_EVENT_TYPES = [ONCALL_ROTATION_SAVED, ONCALL_OVERRIDE_ADDED] as const;

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type OnCallRole = 'primary' | 'secondary';

/** When shifts change hands: daily at `at` (UTC, HH:MM), or weekly on `weekday` at `at`. */
export interface Handoff {
  every: 'day' | 'week';
  at: string;
  weekday: Weekday | null;
}

/** A person covering a role over `[from, to)`, whatever the schedule says. */
export interface OnCallOverride {
  overrideId: string;
  role: OnCallRole;
  userId: string;
  from: string;
  to: string;
  reason: string | null;
  addedAt: string;
  addedBy: string;
}

export interface Rotation {
  rotationId: string;
  name: string;
  /** In rotation order: members[0] is primary for the first shift, the next in line is secondary. */
  members: string[];
  handoff: Handoff;
  /** The first shift runs from the hand-off at or before this instant. */
  startsAt: string;
  overrides: OnCallOverride[];
  createdAt: string;
  createdBy: string;
  changedAt: string;
  changedBy: string;
}

export interface OnCallRoster {
  rotations: Rotation[];
}

export const emptyRoster: OnCallRoster = { rotations: [] };

/** Who holds a role now and why. */
export interface OnCallAssignee {
  userId: string;
  source: 'schedule' | 'override';
  overrideId: string | null;
}
