import { given as givenOn } from '@oars/testing';
import type { AlertRoutingCommand, AlertRoutingContent } from './alert-routing.commands';
import { decideAlertRouting } from './alert-routing.decide';
import { type AlertRoutingEvent, alertRoutingEventOf } from './alert-routing.events';
import { alertRoutingRuleId, defaultAlertRoutingRule, routedChannelIds } from './alert-routing.rules';
import { type AlertRoutingState, alertRoutingStateOf, evolveAlertRoutingState, initialAlertRoutingState } from './alert-routing.state';
import { InvalidAlertRoutingError } from './alerting.errors';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-01T11:00:00.000Z';
const TENANT = 'tenant_alpha';
const configure = (content: Partial<AlertRoutingContent> = {}, now = T0, actor = 'admin_user'): AlertRoutingCommand => ({
  type: 'ConfigureAlertRouting',
  data: { tenantId: TENANT, content: { severity: 'critical', channels: ['pagerduty', 'slack_secops'], escalationMinutes: 5, ...content } },
  metadata: { now, actor },
});

const routingDecider = { initialState: initialAlertRoutingState, evolve: evolveAlertRoutingState, decide: (c: AlertRoutingCommand, s: AlertRoutingState) => decideAlertRouting(s, c) };
const given = (...history: AlertRoutingEvent[]) => givenOn(routingDecider, ...history);
const configured = (content: Partial<AlertRoutingContent> = {}) => decideAlertRouting(alertRoutingStateOf([]), configure(content))[0]!;
const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err instanceof InvalidAlertRoutingError ? err.problems.map((p) => p.field) : err;
  }
  return null;
};

describe('ConfigureAlertRouting', () => {
  it('given no rule, then alert.routing_configured with the v1 rule record on the severity subject', () => {
    given().when(configure({ channels: ['pagerduty', 'slack_secops', 'pagerduty'] })).then([
      {
        type: 'alert.routing_configured',
        subject: 'alertrouting.critical',
        data: {
          rule: { id: alertRoutingRuleId(TENANT, 'critical'), tenantId: TENANT, severity: 'critical', channels: ['pagerduty', 'slack_secops'], escalationMinutes: 5, updatedAt: T0, updatedBy: 'admin_user' },
          actor: 'admin_user',
        },
      },
    ]);
  });

  it('given a rule, a change keeps its id and the same content again decides nothing', () => {
    const first = configured();
    const [changed] = given(first).when(configure({ escalationMinutes: 10 }, T1, 'bob')).events();
    expect(changed!.data.rule).toMatchObject({ id: first.data.rule.id, escalationMinutes: 10, updatedAt: T1, updatedBy: 'bob' });
    given(first).when(configure({}, T1)).then([]);
    expect(given(first).when(configure({ channels: ['slack_secops', 'pagerduty'] })).events()).toHaveLength(1); // order matters
  });

  it.each<[string, Partial<AlertRoutingContent>, string[]]>([
    ['an unknown severity', { severity: 'urgent' }, ['severity']],
    ['no channels', { channels: [] }, ['channels']],
    ['channels that are not a list', { channels: 'slack_secops' }, ['channels']],
    ['21 channels', { channels: Array.from({ length: 21 }, (_, i) => `c${i}`) }, ['channels']],
    ['a bad channel id', { channels: ['slack_secops', '<script>', ''] }, ['channels[1]', 'channels[2]']],
    ['escalation 0 minutes', { escalationMinutes: 0 }, ['escalationMinutes']],
    ['escalation over a day', { escalationMinutes: 1441 }, ['escalationMinutes']],
    ['a fractional escalation', { escalationMinutes: 1.5 }, ['escalationMinutes']],
    ['a string escalation', { escalationMinutes: '5' }, ['escalationMinutes']],
  ])('refuses %s, naming every bad field', (_label, content, fields) => {
    expect(problemsOf(() => decideAlertRouting(initialAlertRoutingState, configure(content)))).toEqual(fields);
  });
});

describe('routing rules', () => {
  it('routes by the tenant rule, else the v1 defaults (critical: pagerduty and slack_secops; others: slack_secops)', () => {
    expect(routedChannelIds('critical', null)).toEqual(['pagerduty', 'slack_secops']);
    expect(routedChannelIds('low', null)).toEqual(['slack_secops']);
    expect(routedChannelIds('critical', configured({ channels: ['ops_hook'] }).data.rule)).toEqual(['ops_hook']);
  });

  it('gives the v1 default records: escalation 5, 15, 60, 60 minutes, updatedBy system_default', () => {
    const rules = (['low', 'medium', 'high', 'critical'] as const).map((s) => defaultAlertRoutingRule(TENANT, s, T0));
    expect(rules.map((r) => r.escalationMinutes)).toEqual([60, 60, 15, 5]);
    expect(rules.every((r) => /^route_default_[0-9a-f]{32}$/.test(r.id) && r.updatedBy === 'system_default' && r.updatedAt === T0)).toBe(true);
  });

  it('reads routing receipts back and ignores others', () => {
    const event = configured();
    expect(alertRoutingEventOf({ type: event.type, data: event.data as unknown as Record<string, unknown> })).toEqual(event);
    expect(alertRoutingEventOf({ type: 'alert.routing_configured', data: { rule: { severity: 'nope' } } })).toBeNull();
    expect(alertRoutingEventOf({ type: 'alert.raised', data: {} })).toBeNull();
  });
});
