import type { AlertRoutingCommand, AlertRoutingContent, ConfigureAlertRouting } from './alert-routing.commands';
import { ALERT_ROUTING_CONFIGURED, type AlertRoutingEvent, alertRoutingSubject } from './alert-routing.events';
import { type AlertRoutingRuleRecord, ALERT_SEVERITIES, CHANNEL_ID_PATTERN, MAX_ESCALATION_MINUTES, MAX_RULE_CHANNELS, alertRoutingRuleId, isAlertSeverity } from './alert-routing.rules';
import type { AlertRoutingState } from './alert-routing.state';
import { type AlertingProblem, InvalidAlertRoutingError } from './alerting.errors';

export function decideAlertRouting(state: AlertRoutingState, command: AlertRoutingCommand): AlertRoutingEvent[] {
  switch (command.type) {
    case 'ConfigureAlertRouting':
      return decideConfigureAlertRouting(state, command);
    default: {
      const never: never = command.type;
      throw new Error(`unknown alert routing command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The tenant's rule for one severity, validated (every bad field named): channel ids as given, a
 * repeated id kept once. Channel ids are not checked against the configured channels (as in v1): a
 * rule may name a channel configured later; until then its deliveries are dead letters naming it.
 * A change keeps the rule's id; one that changes nothing decides nothing.
 */
export function decideConfigureAlertRouting(state: AlertRoutingState, cmd: ConfigureAlertRouting): AlertRoutingEvent[] {
  const { now, actor } = cmd.metadata;
  const content = validContent(cmd.data.content);
  const existing = state.rule;
  if (existing && existing.escalationMinutes === content.escalationMinutes && existing.channels.join('\u0000') === content.channels.join('\u0000')) return [];
  const rule: AlertRoutingRuleRecord = {
    id: existing?.id ?? alertRoutingRuleId(cmd.data.tenantId, content.severity),
    tenantId: cmd.data.tenantId,
    ...content,
    updatedAt: now,
    updatedBy: actor,
  };
  return [{ type: ALERT_ROUTING_CONFIGURED, subject: alertRoutingSubject(rule.severity), data: { rule, actor } }];
}

function validContent(content: AlertRoutingContent): Pick<AlertRoutingRuleRecord, 'severity' | 'channels' | 'escalationMinutes'> {
  const problems: AlertingProblem[] = [];
  const { severity, channels, escalationMinutes } = content;
  if (!isAlertSeverity(severity)) problems.push({ field: 'severity', message: `must be one of ${ALERT_SEVERITIES.join(', ')}` });
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > MAX_RULE_CHANNELS) {
    problems.push({ field: 'channels', message: `must be a list of 1 to ${MAX_RULE_CHANNELS} channel ids` });
  } else {
    channels.forEach((c, i) => {
      if (typeof c !== 'string' || !CHANNEL_ID_PATTERN.test(c)) problems.push({ field: `channels[${i}]`, message: 'must be a channel id of 1 to 64 letters, digits or _ . : -' });
    });
  }
  if (typeof escalationMinutes !== 'number' || !Number.isInteger(escalationMinutes) || escalationMinutes < 1 || escalationMinutes > MAX_ESCALATION_MINUTES) {
    problems.push({ field: 'escalationMinutes', message: `must be an integer between 1 and ${MAX_ESCALATION_MINUTES}` });
  }
  if (problems.length > 0) throw new InvalidAlertRoutingError(problems);
  return { severity: severity as AlertRoutingRuleRecord['severity'], channels: [...new Set(channels as string[])], escalationMinutes: escalationMinutes as number };
}
