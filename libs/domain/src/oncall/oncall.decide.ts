import { type Handoff, ONCALL_OVERRIDE_ADDED, ONCALL_ROTATION_SAVED, ONCALL_SUBJECT, type OnCallOverride, type OnCallRole, type OnCallRoster, type Rotation, WEEKDAYS, type Weekday } from './oncall.types';

export interface OnCallCommandMetadata {
  now: string;
  actor: string;
}

export interface SaveRotation {
  readonly type: 'SaveRotation';
  /** A known `rotationId` replaces that rotation (its overrides stay); a new one adds a rotation. */
  readonly data: { rotationId: string; name: string; members: string[]; handoff: { every: string; at: string; weekday?: string | null }; startsAt?: string | null };
  readonly metadata: OnCallCommandMetadata;
}

export interface AddOverride {
  readonly type: 'AddOverride';
  readonly data: { rotationId: string; overrideId: string; role: OnCallRole; userId: string; from: string; to: string; reason?: string | null };
  readonly metadata: OnCallCommandMetadata;
}

export type OnCallCommand = SaveRotation | AddOverride;

export type OnCallEvent =
  | { readonly type: typeof ONCALL_ROTATION_SAVED; readonly subject: typeof ONCALL_SUBJECT; readonly data: { roster: OnCallRoster; rotationId: string; actor: string } }
  | { readonly type: typeof ONCALL_OVERRIDE_ADDED; readonly subject: typeof ONCALL_SUBJECT; readonly data: { roster: OnCallRoster; rotationId: string; override: OnCallOverride; actor: string } };

export interface FieldProblem {
  field: string;
  message: string;
}

/** A refused on-call command; `problems` name the fields at fault (400), or the rotation is unknown (404). */
export class OnCallError extends Error {
  constructor(
    readonly code: 'validation_error' | 'rotation_not_found',
    message: string,
    readonly problems?: FieldProblem[],
  ) {
    super(message);
    this.name = 'OnCallError';
  }
}

export const MAX_ROTATIONS = 20;
export const MAX_MEMBERS = 50;
export const MAX_OVERRIDE_DAYS = 90;
/** Overrides that ended longer ago than this are dropped on the next change. */
const OVERRIDE_KEPT_MS = 7 * 86_400_000;
/** User ids as tokens name their subjects. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.@:-]{1,128}$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The roster a receipt of the `oncall.rotations` aggregate carries (empty before the first). */
export function rosterOf(data: unknown): OnCallRoster {
  const roster = (data as { roster?: OnCallRoster } | null | undefined)?.roster;
  return roster && Array.isArray(roster.rotations) ? roster : { rotations: [] };
}

export function decideOnCall(roster: OnCallRoster, command: OnCallCommand): OnCallEvent[] {
  switch (command.type) {
    case 'SaveRotation':
      return decideSaveRotation(roster, command);
    case 'AddOverride':
      return decideAddOverride(roster, command);
    default:
      throw new Error(`Unknown on-call command ${JSON.stringify(command satisfies never)}`);
  }
}

function decideSaveRotation(roster: OnCallRoster, cmd: SaveRotation): OnCallEvent[] {
  const { now, actor } = cmd.metadata;
  const { rotationId, name, members, startsAt } = cmd.data;
  const problems: FieldProblem[] = [];
  if (typeof name !== 'string' || name.trim() === '' || name.length > 120) problems.push({ field: 'name', message: 'must be a non-blank string of at most 120 characters' });
  if (!Array.isArray(members) || members.length < 1 || members.length > MAX_MEMBERS) problems.push({ field: 'members', message: `must list 1 to ${MAX_MEMBERS} user ids` });
  else {
    members.forEach((m, i) => {
      if (typeof m !== 'string' || !USER_ID_PATTERN.test(m)) problems.push({ field: `members[${i}]`, message: 'must match [A-Za-z0-9_.@:-]{1,128}' });
      else if (members.indexOf(m) !== i) problems.push({ field: `members[${i}]`, message: 'is listed twice' });
    });
  }
  const handoff = handoffOf(cmd.data.handoff, problems);
  if (startsAt != null && !isInstant(startsAt)) problems.push({ field: 'startsAt', message: 'must be an ISO-8601 instant' });
  const existing = roster.rotations.find((r) => r.rotationId === rotationId);
  if (!existing && roster.rotations.length >= MAX_ROTATIONS) problems.push({ field: 'rotationId', message: `would exceed ${MAX_ROTATIONS} rotations in one scope` });
  if (problems.length > 0 || !handoff) throw invalid(problems);
  const rotation: Rotation = {
    rotationId,
    name: name.trim(),
    members: [...members],
    handoff,
    startsAt: startsAt != null ? new Date(startsAt).toISOString() : existing?.startsAt ?? now,
    overrides: keptOverrides(existing?.overrides ?? [], now),
    createdAt: existing?.createdAt ?? now,
    createdBy: existing?.createdBy ?? actor,
    changedAt: now,
    changedBy: actor,
  };
  const rotations = existing ? roster.rotations.map((r) => (r === existing ? rotation : r)) : [...roster.rotations, rotation];
  return [{ type: ONCALL_ROTATION_SAVED, subject: ONCALL_SUBJECT, data: { roster: { rotations }, rotationId, actor } }];
}

function decideAddOverride(roster: OnCallRoster, cmd: AddOverride): OnCallEvent[] {
  const { now, actor } = cmd.metadata;
  const { rotationId, overrideId, role, userId, from, to, reason } = cmd.data;
  const rotation = roster.rotations.find((r) => r.rotationId === rotationId);
  if (!rotation) throw new OnCallError('rotation_not_found', `No rotation ${rotationId}.`);
  if (rotation.overrides.some((o) => o.overrideId === overrideId)) return [];
  const problems: FieldProblem[] = [];
  if (role !== 'primary' && role !== 'secondary') problems.push({ field: 'role', message: 'must be primary or secondary' });
  if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) problems.push({ field: 'userId', message: 'must match [A-Za-z0-9_.@:-]{1,128}' });
  if (!isInstant(from)) problems.push({ field: 'from', message: 'must be an ISO-8601 instant' });
  if (!isInstant(to)) problems.push({ field: 'to', message: 'must be an ISO-8601 instant' });
  else if (isInstant(from) && Date.parse(to) <= Date.parse(from)) problems.push({ field: 'to', message: 'must be after from' });
  else if (isInstant(from) && Date.parse(to) - Date.parse(from) > MAX_OVERRIDE_DAYS * 86_400_000) problems.push({ field: 'to', message: `must be at most ${MAX_OVERRIDE_DAYS} days after from` });
  else if (Date.parse(to) <= Date.parse(now)) problems.push({ field: 'to', message: 'must be in the future' });
  if (problems.length > 0) throw invalid(problems);
  const override: OnCallOverride = { overrideId, role, userId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), reason: reason ?? null, addedAt: now, addedBy: actor };
  const changed: Rotation = { ...rotation, overrides: [...keptOverrides(rotation.overrides, now), override], changedAt: now, changedBy: actor };
  return [{ type: ONCALL_OVERRIDE_ADDED, subject: ONCALL_SUBJECT, data: { roster: { rotations: roster.rotations.map((r) => (r === rotation ? changed : r)) }, rotationId, override, actor } }];
}

function handoffOf(raw: SaveRotation['data']['handoff'] | undefined, problems: FieldProblem[]): Handoff | null {
  if (!raw || typeof raw !== 'object') {
    problems.push({ field: 'handoff', message: 'must be an object {every, at, weekday?}' });
    return null;
  }
  const before = problems.length;
  if (raw.every !== 'day' && raw.every !== 'week') problems.push({ field: 'handoff.every', message: 'must be day or week' });
  if (typeof raw.at !== 'string' || !HH_MM.test(raw.at)) problems.push({ field: 'handoff.at', message: 'must be a UTC time HH:MM' });
  const weekday = raw.weekday ?? null;
  if (raw.every === 'week' && !WEEKDAYS.includes(weekday as Weekday)) problems.push({ field: 'handoff.weekday', message: `must be one of ${WEEKDAYS.join(', ')} for a weekly hand-off` });
  if (raw.every === 'day' && weekday !== null) problems.push({ field: 'handoff.weekday', message: 'must be left out for a daily hand-off' });
  if (problems.length > before) return null;
  return { every: raw.every as Handoff['every'], at: raw.at, weekday: raw.every === 'week' ? (weekday as Weekday) : null };
}

function keptOverrides(overrides: readonly OnCallOverride[], now: string): OnCallOverride[] {
  return overrides.filter((o) => Date.parse(o.to) > Date.parse(now) - OVERRIDE_KEPT_MS);
}

function isInstant(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(Date.parse(value));
}

function invalid(problems: FieldProblem[]): OnCallError {
  return new OnCallError('validation_error', `Invalid request: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`, problems);
}
