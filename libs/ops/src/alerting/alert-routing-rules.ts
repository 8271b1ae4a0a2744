import {
  type AlertRoutingContent,
  type AlertRoutingRuleRecord,
  type AlertSeverity,
  ALERT_SEVERITIES,
  type ConfigureAlertRouting,
  alertRoutingEventOf,
  alertRoutingStateOf,
  alertRoutingSubject,
  decideConfigureAlertRouting,
  defaultAlertRoutingRule,
  incidentAlertSeverity,
  type IncidentSnapshot,
  initialAlertRoutingState,
  routedChannelIds,
} from '@oars/domain';
import { type CommandDeps, aggregateDraft, handleCommand, latestReceipt, newTelemetry, randomId } from '@oars/ledger';

/**
 * A tenant's alert routing rules, read back from its stream (the latest `alert.routing_configured`
 * receipt of each severity's subject) and changed through `handleCommand`.
 */
export class AlertRoutingRules {
  constructor(private readonly deps: CommandDeps) {}

  /** The tenant's own rule for `severity`, or null where it set none (the defaults apply). */
  async ruleOf(tenantId: string, severity: AlertSeverity): Promise<AlertRoutingRuleRecord | null> {
    return alertRoutingEventOf(await latestReceipt(this.deps.store, tenantId, alertRoutingSubject(severity)))?.data.rule ?? null;
  }

  /** The four rules in force, low to critical (OARS v1 §1.3 #39): the tenant's, else the defaults. */
  async list(tenantId: string, now = new Date()): Promise<AlertRoutingRuleRecord[]> {
    const rules = await Promise.all(ALERT_SEVERITIES.map((s) => this.ruleOf(tenantId, s)));
    return rules.map((rule, i) => rule ?? defaultAlertRoutingRule(tenantId, ALERT_SEVERITIES[i]!, now.toISOString()));
  }

  /** Where an incident escalates at its last level (the incidents' `EscalationChannels`): the rule's channels for its alert severity. */
  async channelIdsFor(incident: Pick<IncidentSnapshot, 'tenantId' | 'severity' | 'alertSeverity'>): Promise<string[]> {
    const severity = incidentAlertSeverity(incident);
    return routedChannelIds(severity, await this.ruleOf(incident.tenantId, severity));
  }

  /** Sets one rule (v1 #40); the same content again appends nothing and answers the rule as stored. */
  async configure(tenantId: string, content: AlertRoutingContent, actor: string, requestId: string | null, now = new Date()): Promise<AlertRoutingRuleRecord> {
    const command: ConfigureAlertRouting = { type: 'ConfigureAlertRouting', data: { tenantId, content }, metadata: { now: now.toISOString(), actor } };
    // Decided once before queueing: invalid content is refused without touching the stream.
    const [valid] = decideConfigureAlertRouting(initialAlertRoutingState, command);
    const subject = alertRoutingSubject(valid!.data.rule.severity);
    const { value } = await handleCommand(this.deps, {
      tenantId,
      subjects: [subject],
      load: async (read) => alertRoutingStateOf([alertRoutingEventOf(await read(subject))]),
      decide: (state) => decideConfigureAlertRouting(state, command),
      drafts: (events) => events.map((e) => ({ ...aggregateDraft(randomId('rcpt'), e.type, e.subject, e.data as unknown as Record<string, unknown>), telemetry: newTelemetry(requestId) })),
      answer: ({ state, events }) => events[0]?.data.rule ?? state.rule!,
    });
    return value;
  }
}
