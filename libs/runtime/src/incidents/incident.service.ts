import {
  ALERT_RAISED,
  type AlertRecord,
  type CorrectiveAction,
  type IncidentCommand,
  IncidentError,
  type IncidentEvent,
  type IncidentPolicy,
  type IncidentSeverity,
  type IncidentState,
  type IncidentUpdateStage,
  type Paging,
  type PreservedStream,
  decideIncident,
  incidentDedupKey,
  incidentGroupSubjectOf,
  incidentOf,
  incidentSeverityOf,
  incidentSubjectOf,
  invalidIncidentInput,
} from '@oars/domain';
import { PLATFORM_STREAM } from '@oars/eventstore';
import { type CommandDeps, type ReadLatest, aggregateDraft, derivedId, handleCommand, latestReceipt, randomId, receiptOf } from '@oars/ledger';
import type { EscalationChannels } from './escalation-channels';
import type { OnCallService } from './oncall.service';

/** Legal holds, as retention places them (`LedgerRetention.placeHold`). */
export interface EvidenceHolds {
  placeHold(tenantId: string, data: { holdId: string; reason: string; incidentId: string | null }, actor: string, now?: Date): Promise<unknown>;
}

export interface IncidentServiceDeps extends CommandDeps {
  oncall: OnCallService;
  holds: EvidenceHolds;
  channels: EscalationChannels;
  policy: IncidentPolicy;
}

export interface DeclareInput {
  severity: IncidentSeverity | null;
  commander: string;
  summary: string | null;
  fromAlertId: string | null;
}

/**
 * Incidents of a stream (a tenant's, or the platform's for platform-wide ones): every command goes
 * through `handleCommand` with the incident decider, on the aggregate `incident.<incidentId>`;
 * alert intake first finds the group's latest incident through `incident_group.<dedupKey>`.
 * Receipt ids derive from what makes each event unique, so a repeated command collapses.
 */
export class IncidentService {
  constructor(private readonly deps: IncidentServiceDeps) {}

  async get(stream: string, incidentId: string): Promise<IncidentState | null> {
    const incident = incidentOf((await latestReceipt(this.deps.store, stream, incidentSubjectOf(incidentId)))?.data);
    return incident?.incidentId === incidentId ? incident : null;
  }

  /** An alert was raised in `stream` at `sequence`: group it, or open an incident paging the on-call primary. */
  async intakeAlert(stream: string, alert: AlertRecord, sequence: number, now = new Date()): Promise<IncidentState | null> {
    const paging = await this.paging(stream, { tenantId: stream, severity: incidentSeverityOf(alert), alertSeverity: alert.severity }, now);
    const group = incidentGroupSubjectOf(incidentDedupKey(alert));
    return this.command(stream, [group], (read) => this.groupIncident(read, group), {
      type: 'OpenIncidentFromAlert',
      data: { alert, alertSequence: sequence, paging },
      metadata: this.metadata(now, 'system', derivedId('inc', stream, alert.id)),
    });
  }

  /** Incident command step 1 (`POST /v1/incidents`); `fromAlertId` takes command of the alert's incident. */
  async declare(stream: string, input: DeclareInput, actor: string, now = new Date(), idempotencyKey: string | null = null): Promise<IncidentState> {
    const incidentId = idempotencyKey ? derivedId('inc', stream, actor, idempotencyKey) : randomId('inc');
    const fromAlert = input.fromAlertId ? await this.alert(stream, input.fromAlertId) : null;
    const severity = input.severity ?? (fromAlert ? incidentSeverityOf(fromAlert.alert) : 'SEV1');
    const paging = await this.paging(stream, { tenantId: stream, severity, alertSeverity: fromAlert?.alert.severity ?? null }, now);
    const group = fromAlert ? incidentGroupSubjectOf(incidentDedupKey(fromAlert.alert)) : null;
    const command: IncidentCommand = {
      type: 'DeclareIncident',
      data: { tenantId: stream, severity: input.severity, commander: input.commander, summary: input.summary, fromAlert, paging },
      metadata: this.metadata(now, actor, incidentId),
    };
    const load = (read: ReadLatest) => (group ? this.groupIncident(read, group) : this.incidentAt(read, incidentId));
    return (await this.command(stream, [group ?? incidentSubjectOf(incidentId)], load, command))!;
  }

  acknowledge(stream: string, incidentId: string, actor: string, now = new Date()) {
    return this.onIncident(stream, incidentId, { type: 'AcknowledgeIncident', data: {}, metadata: this.metadata(now, actor, incidentId) });
  }

  /** The escalation timer: page `level` if the incident is still unacknowledged and its target passed. */
  async escalate(stream: string, incidentId: string, level: number, now = new Date()) {
    const incident = await this.get(stream, incidentId);
    if (!incident) return null;
    const paging = await this.paging(stream, incident, now);
    return this.onIncident(stream, incidentId, { type: 'EscalateIncident', data: { level, paging }, metadata: this.metadata(now, 'system', incidentId) });
  }

  postUpdate(stream: string, incidentId: string, update: { message: string; stage: IncidentUpdateStage | null }, actor: string, now = new Date()) {
    return this.onIncident(stream, incidentId, { type: 'PostIncidentUpdate', data: update, metadata: this.metadata(now, actor, incidentId) });
  }

  /** The cadence timer: a reminder (receipt and alert) when the update due at `dueAt` is missing. */
  remindUpdate(stream: string, incidentId: string, dueAt: string, now = new Date()) {
    return this.onIncident(stream, incidentId, { type: 'RemindIncidentUpdate', data: { dueAt }, metadata: this.metadata(now, 'system', incidentId) });
  }

  /**
   * Incident command step 3: a legal hold per tenant (its id derives from incident and tenant, so a
   * retry places none twice), then a signed record of each tenant's position and head hash. A
   * tenant's incident preserves its own stream only; a platform incident any of the caller's.
   */
  async preserveEvidence(stream: string, incidentId: string, tenantIds: readonly string[], actor: string, now = new Date()) {
    const incident = await this.get(stream, incidentId);
    if (!incident) throw new IncidentError('incident_not_found', `Incident ${incidentId} not found.`);
    if (incident.status === 'closed') throw new IncidentError('incident_closed', `Incident ${incidentId} is closed.`);
    if (stream !== PLATFORM_STREAM && tenantIds.some((t) => t !== stream)) {
      throw invalidIncidentInput([{ field: 'tenantIds', message: `may only name the incident's own tenant (${stream}); platform incidents preserve several` }]);
    }
    const tenants: PreservedStream[] = [];
    for (const tenantId of [...new Set(tenantIds)]) {
      const holdId = derivedId('hold', stream, incidentId, tenantId);
      await this.deps.holds.placeHold(tenantId, { holdId, reason: `Forensic evidence of incident ${incidentId}`, incidentId }, actor, now);
      const head = await this.deps.store.head(tenantId);
      tenants.push({ tenantId, sequence: head.sequence, receiptHash: head.last ? receiptOf(head.last).integrity.receiptHash : null, holdId });
    }
    return this.onIncident(stream, incidentId, { type: 'RecordEvidencePreserved', data: { tenants }, metadata: this.metadata(now, actor, incidentId) });
  }

  resolve(stream: string, incidentId: string, resolution: string | null, actor: string, now = new Date()) {
    return this.onIncident(stream, incidentId, { type: 'ResolveIncident', data: { resolution }, metadata: this.metadata(now, actor, incidentId) });
  }

  /** Step 5; corrective actions get ids `ca_1`, `ca_2`, … in the order given. */
  close(stream: string, incidentId: string, input: { rca: { summary: string; rootCause: string; impact: string | null }; correctiveActions: Array<Omit<CorrectiveAction, 'correctiveActionId'>> }, actor: string, now = new Date()) {
    const correctiveActions = input.correctiveActions.map((a, i) => ({ correctiveActionId: `ca_${i + 1}`, ...a }));
    return this.onIncident(stream, incidentId, { type: 'CloseIncident', data: { rca: input.rca, correctiveActions }, metadata: this.metadata(now, actor, incidentId) });
  }

  changeCorrectiveAction(stream: string, incidentId: string, correctiveActionId: string, status: CorrectiveAction['status'], actor: string, now = new Date()) {
    return this.onIncident(stream, incidentId, { type: 'ChangeCorrectiveAction', data: { correctiveActionId, status }, metadata: this.metadata(now, actor, incidentId) });
  }

  private async onIncident(stream: string, incidentId: string, command: IncidentCommand): Promise<IncidentState> {
    return (await this.command(stream, [incidentSubjectOf(incidentId)], (read) => this.incidentAt(read, incidentId), command))!;
  }

  private async command(stream: string, subjects: string[], load: (read: ReadLatest) => Promise<IncidentState | null>, command: IncidentCommand): Promise<IncidentState | null> {
    const { value } = await handleCommand<IncidentState | null, IncidentEvent, IncidentState | null>(this.deps, {
      tenantId: stream,
      subjects,
      load,
      decide: (state) => decideIncident(state, command),
      drafts: (events) => events.map((e) => aggregateDraft(derivedId('rcpt', stream, e.subject, e.type, discriminatorOf(e, command)), e.type, e.subject, e.data as unknown as Record<string, unknown>)),
      answer: ({ state, events }) => [...events].reverse().map((e) => incidentOf(e.data)).find((i) => i !== null) ?? state,
    });
    return value;
  }

  private async incidentAt(read: ReadLatest, incidentId: string): Promise<IncidentState | null> {
    const incident = incidentOf((await read(incidentSubjectOf(incidentId)))?.data);
    return incident?.incidentId === incidentId ? incident : null;
  }

  /** The latest incident of an alert group, through the group's pointer. */
  private async groupIncident(read: ReadLatest, groupSubject: string): Promise<IncidentState | null> {
    const pointer = (await read(groupSubject))?.data as { incidentId?: unknown } | undefined;
    return typeof pointer?.incidentId === 'string' ? this.incidentAt(read, pointer.incidentId) : null;
  }

  private async alert(stream: string, alertId: string): Promise<{ alert: AlertRecord; sequence: number }> {
    const receipt = await latestReceipt(this.deps.store, stream, `alert.${alertId}`);
    const alert = receipt?.type === ALERT_RAISED ? (receipt.data.alert as AlertRecord | undefined) : undefined;
    if (!receipt || !alert || alert.id !== alertId) throw new IncidentError('alert_not_found', `Alert ${alertId} not found.`);
    return { alert, sequence: receipt.sequence };
  }

  private async paging(stream: string, incident: Parameters<EscalationChannels['channelIdsFor']>[0], at: Date): Promise<Paging> {
    const [onCall, channelIds] = await Promise.all([this.deps.oncall.now(stream, at), this.deps.channels.channelIdsFor(incident)]);
    return { primary: onCall.primary?.userId ?? null, secondary: onCall.secondary?.userId ?? null, channelIds };
  }

  private metadata(now: Date, actor: string, incidentId: string) {
    return { now: now.toISOString(), actor, incidentId, policy: this.deps.policy };
  }
}

/** What makes an event unique within its aggregate: a repeat of the same step derives the same receipt id. */
function discriminatorOf(event: IncidentEvent, command: IncidentCommand): string {
  switch (event.type) {
    case 'incident.opened':
    case 'incident_group.assigned':
      return command.metadata.incidentId;
    case 'incident.alert_grouped':
      return event.data.alertId;
    case 'incident.escalated':
      return String(event.data.notify.level);
    case 'incident.update_overdue':
      return String(event.data.incident.remindersSent);
    case 'alert.raised':
      return event.data.alert.id;
    case 'incident.acknowledged':
    case 'incident.resolved':
    case 'incident.closed':
      return '';
    default:
      return `${command.metadata.now}\u0000${JSON.stringify(command.data)}`;
  }
}
