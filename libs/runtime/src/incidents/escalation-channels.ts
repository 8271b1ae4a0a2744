import type { IncidentSnapshot } from '@oars/domain';

/** v1's default escalation channels (OARS v1 alert routing defaults for critical alerts). */
export const DEFAULT_ESCALATION_CHANNEL_IDS: readonly string[] = ['pagerduty', 'slack_secops'];

/**
 * Where the last escalation step of an incident goes: the channel ids of the routing rule for the
 * incident's severity (`GET /v1/admin/ops/alert-routing`). This is the seam to alert routing: until
 * the runtime wires the routing rules in, every incident escalates to v1's defaults.
 */
export interface EscalationChannels {
  channelIdsFor(incident: Pick<IncidentSnapshot, 'tenantId' | 'severity' | 'alertSeverity'>): Promise<string[]>;
}

export const defaultEscalationChannels: EscalationChannels = {
  channelIdsFor: async () => [...DEFAULT_ESCALATION_CHANNEL_IDS],
};
