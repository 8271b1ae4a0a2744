import { DEFAULT_ACK_TARGET_MINUTES, type IncidentSeverity } from '../alerts';
import type { IncidentSnapshot } from './incident.contract';
import type { IncidentEvent } from './incident.events';

/** The stages a status update may report; `mitigated` and `monitoring` mark the impact stabilized. */
export const INCIDENT_UPDATE_STAGES = ['investigating', 'identified', 'mitigated', 'monitoring'] as const;
export type IncidentUpdateStage = (typeof INCIDENT_UPDATE_STAGES)[number];

export const CORRECTIVE_ACTION_STATUSES = ['open', 'in_progress', 'done'] as const;
export type CorrectiveActionStatus = (typeof CORRECTIVE_ACTION_STATUSES)[number];

export interface CorrectiveAction {
  correctiveActionId: string;
  description: string;
  owner: string;
  /** YYYY-MM-DD. */
  dueDate: string;
  status: CorrectiveActionStatus;
}

export interface IncidentRca {
  summary: string;
  rootCause: string;
  impact: string | null;
}

/** One tenant's stream as evidence preservation found it: its position and head hash, under a legal hold. */
export interface PreservedStream {
  tenantId: string;
  sequence: number;
  receiptHash: string | null;
  holdId: string;
}

export interface EvidencePreservation {
  preservedAt: string;
  preservedBy: string;
  tenants: PreservedStream[];
}

/**
 * The whole incident as every receipt of it carries it (`data.incident`): the delivery contract's
 * snapshot plus what incident command tracks. Fields are only ever added.
 */
export interface IncidentState extends IncidentSnapshot {
  source: 'alert' | 'declared';
  commander: string | null;
  declaredAt: string | null;
  declaredBy: string | null;
  ackTargetSeconds: number;
  timeToAcknowledgeSeconds: number | null;
  acknowledgedWithinTarget: boolean | null;
  lastEscalatedAt: string | null;
  /** When the next escalation step is due while unacknowledged (null after the last step, or once acknowledged). */
  nextEscalationAt: string | null;
  /** Stream position of the latest alert grouped into it: an alert at or before it was handled. */
  lastAlertSequence: number;
  updateIntervalSeconds: number;
  lastUpdateAt: string | null;
  /** When the next status update is due (from declaration until resolution; null otherwise). */
  updateDueAt: string | null;
  /** When the next reminder fires if no update is posted (null when no cadence runs). */
  nextReminderAt: string | null;
  updateOverdue: boolean;
  updatesPosted: number;
  remindersSent: number;
  mitigatedAt: string | null;
  evidence: EvidencePreservation[];
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
  closedAt: string | null;
  closedBy: string | null;
  rca: IncidentRca | null;
  correctiveActions: CorrectiveAction[];
}

/** Acknowledgement targets and the required update interval per severity, in seconds (configuration). */
export interface IncidentPolicy {
  ackTargetSeconds: Readonly<Record<IncidentSeverity, number>>;
  updateIntervalSeconds: Readonly<Record<IncidentSeverity, number>>;
}

export const DEFAULT_UPDATE_INTERVAL_MINUTES: Readonly<Record<IncidentSeverity, number>> = { SEV1: 30, SEV2: 60, SEV3: 240 };

const inSeconds = (minutes: Readonly<Record<IncidentSeverity, number>>) => ({ SEV1: minutes.SEV1 * 60, SEV2: minutes.SEV2 * 60, SEV3: minutes.SEV3 * 60 });
export const DEFAULT_INCIDENT_POLICY: IncidentPolicy = { ackTargetSeconds: inSeconds(DEFAULT_ACK_TARGET_MINUTES), updateIntervalSeconds: inSeconds(DEFAULT_UPDATE_INTERVAL_MINUTES) };

/** Incidents that are still being worked on (alerts group into them; escalation and cadence may run). */
export function isIncidentActive(incident: Pick<IncidentSnapshot, 'status'> | null): boolean {
  return incident !== null && (incident.status === 'open' || incident.status === 'acknowledged');
}

/** The incident an incident receipt carries, or null (another receipt, or a malformed one). */
export function incidentOf(data: unknown): IncidentState | null {
  const incident = (data as { incident?: Partial<IncidentState> } | null | undefined)?.incident;
  return incident && typeof incident.incidentId === 'string' && typeof incident.status === 'string' && typeof incident.severity === 'string' ? (incident as IncidentState) : null;
}

/** Every incident event carries the whole snapshot: the state is the latest one. */
export function evolveIncident(state: IncidentState | null, event: IncidentEvent): IncidentState | null {
  return incidentOf(event.data) ?? state;
}

export const addSeconds = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();
