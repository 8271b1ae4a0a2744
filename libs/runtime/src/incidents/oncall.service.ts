import { ONCALL_SUBJECT, type OnCallCommand, type OnCallOverride, type OnCallRoster, type Rotation, type RotationOnCall, decideOnCall, rosterOf, rotationOnCallAt, whoIsOnCall } from '@oars/domain';
import { PLATFORM_STREAM } from '@oars/eventstore';
import { type CommandDeps, aggregateDraft, derivedId, handleCommand, latestReceipt } from '@oars/ledger';

/** Who is on call in a scope at an instant, and whom an incident of the scope pages. */
export interface OnCallNow {
  tenantId: string | null;
  at: string;
  primary: RotationOnCall['primary'];
  secondary: RotationOnCall['secondary'];
  /** The rotation that pages (the first with someone on call; a tenant's, else the platform's). */
  rotationId: string | null;
  stream: string | null;
  rotations: Array<RotationOnCall & { stream: string }>;
}

/**
 * On-call rotations of a stream (a tenant's, or the platform's): the `oncall.rotations` aggregate,
 * whose every receipt carries the whole roster. The schedule math is pure (`@oars/domain`).
 */
export class OnCallService {
  constructor(private readonly deps: CommandDeps) {}

  async roster(stream: string): Promise<OnCallRoster> {
    return rosterOf((await latestReceipt(this.deps.store, stream, ONCALL_SUBJECT))?.data);
  }

  async saveRotation(stream: string, data: Extract<OnCallCommand, { type: 'SaveRotation' }>['data'], actor: string, now = new Date()): Promise<Rotation> {
    const roster = await this.command(stream, { type: 'SaveRotation', data, metadata: { now: now.toISOString(), actor } });
    return roster.rotations.find((r) => r.rotationId === data.rotationId)!;
  }

  async addOverride(stream: string, data: Extract<OnCallCommand, { type: 'AddOverride' }>['data'], actor: string, now = new Date()): Promise<OnCallOverride> {
    const roster = await this.command(stream, { type: 'AddOverride', data, metadata: { now: now.toISOString(), actor } });
    return roster.rotations.find((r) => r.rotationId === data.rotationId)!.overrides.find((o) => o.overrideId === data.overrideId)!;
  }

  /** The rosters an incident of `stream` pages from, in order: its own, then (for a tenant) the platform's. */
  async rostersFor(stream: string): Promise<Array<{ stream: string; roster: OnCallRoster }>> {
    const own = { stream, roster: await this.roster(stream) };
    return stream === PLATFORM_STREAM ? [own] : [own, { stream: PLATFORM_STREAM, roster: await this.roster(PLATFORM_STREAM) }];
  }

  async now(stream: string, at: Date): Promise<OnCallNow> {
    const rosters = await this.rostersFor(stream);
    const paging = whoIsOnCall(rosters, at);
    return {
      tenantId: stream === PLATFORM_STREAM ? null : stream,
      at: at.toISOString(),
      primary: paging?.primary ?? null,
      secondary: paging?.secondary ?? null,
      rotationId: paging?.rotationId ?? null,
      stream: paging?.stream ?? null,
      rotations: rosters.flatMap(({ stream: s, roster }) => roster.rotations.map((r) => ({ ...rotationOnCallAt(r, at), stream: s }))),
    };
  }

  private async command(stream: string, command: OnCallCommand): Promise<OnCallRoster> {
    const { value } = await handleCommand(this.deps, {
      tenantId: stream,
      subjects: [ONCALL_SUBJECT],
      load: async (read) => rosterOf((await read(ONCALL_SUBJECT))?.data),
      decide: (roster) => decideOnCall(roster, command),
      drafts: (events) => events.map((e) => aggregateDraft(derivedId('rcpt', stream, e.type, command.metadata.now, JSON.stringify(command.data)), e.type, e.subject, e.data as unknown as Record<string, unknown>)),
      answer: ({ state, events }) => (events.length > 0 ? events[events.length - 1]!.data.roster : state),
    });
    return value;
  }
}
