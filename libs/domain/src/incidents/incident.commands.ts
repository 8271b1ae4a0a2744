import type { AlertRecord, IncidentSeverity } from '../alerts';
import type { CorrectiveAction, CorrectiveActionStatus, IncidentPolicy, IncidentRca, IncidentUpdateStage, PreservedStream } from './incident.state';

/** Time, the caller and the targets in force come in here; `incidentId` is the aggregate the command opens or changes. */
export interface IncidentCommandMetadata {
  now: string;
  actor: string;
  incidentId: string;
  policy: IncidentPolicy;
}

/** Whom a page reaches at this moment: the on-call primary and secondary, and the escalation channels. */
export interface Paging {
  primary: string | null;
  secondary: string | null;
  channelIds: string[];
}

/** An alert was raised: group it into its group's open incident, or open one (the intake reactor). The state is the group's latest incident. */
export interface OpenIncidentFromAlert {
  readonly type: 'OpenIncidentFromAlert';
  readonly data: { alert: AlertRecord; alertSequence: number; paging: Paging };
  readonly metadata: IncidentCommandMetadata;
}

/** Incident command step 1: severity and commander, for a new incident or (from an alert) the alert's open one. */
export interface DeclareIncident {
  readonly type: 'DeclareIncident';
  readonly data: {
    tenantId: string;
    severity: IncidentSeverity | null;
    commander: string;
    summary: string | null;
    fromAlert: { alert: AlertRecord; sequence: number } | null;
    paging: Paging;
  };
  readonly metadata: IncidentCommandMetadata;
}

export interface AcknowledgeIncident {
  readonly type: 'AcknowledgeIncident';
  readonly data: Record<string, never>;
  readonly metadata: IncidentCommandMetadata;
}

/** The escalation timer: page `level` (1 secondary, 2 the channels) if the incident is still unacknowledged. */
export interface EscalateIncident {
  readonly type: 'EscalateIncident';
  readonly data: { level: number; paging: Paging };
  readonly metadata: IncidentCommandMetadata;
}

export interface PostIncidentUpdate {
  readonly type: 'PostIncidentUpdate';
  readonly data: { message: string; stage: IncidentUpdateStage | null };
  readonly metadata: IncidentCommandMetadata;
}

/** The cadence timer: remind when the update due at `dueAt` was not posted. */
export interface RemindIncidentUpdate {
  readonly type: 'RemindIncidentUpdate';
  readonly data: { dueAt: string };
  readonly metadata: IncidentCommandMetadata;
}

/** Records the streams found and held (the holds are placed before, through retention). */
export interface RecordEvidencePreserved {
  readonly type: 'RecordEvidencePreserved';
  readonly data: { tenants: PreservedStream[] };
  readonly metadata: IncidentCommandMetadata;
}

export interface ResolveIncident {
  readonly type: 'ResolveIncident';
  readonly data: { resolution: string | null };
  readonly metadata: IncidentCommandMetadata;
}

export interface CloseIncident {
  readonly type: 'CloseIncident';
  readonly data: { rca: IncidentRca; correctiveActions: CorrectiveAction[] };
  readonly metadata: IncidentCommandMetadata;
}

export interface ChangeCorrectiveAction {
  readonly type: 'ChangeCorrectiveAction';
  readonly data: { correctiveActionId: string; status: CorrectiveActionStatus };
  readonly metadata: IncidentCommandMetadata;
}

export type IncidentCommand =
  | OpenIncidentFromAlert | DeclareIncident | AcknowledgeIncident | EscalateIncident | PostIncidentUpdate | RemindIncidentUpdate
  | RecordEvidencePreserved | ResolveIncident | CloseIncident | ChangeCorrectiveAction;
