// Alerts, pending approvals, integrity, security signals and projections.

import { el, formatNumber, humanize, timeOf } from './dom.js';
import { definitionList, formatValue, renderPanel, stateClass } from './panel.js';

export function renderAlerts(part) {
  renderPanel('panel-alerts', part, ({ items }) => ({
    nodes: items.length === 0 ? [el('p', { class: 'muted' }, 'No alerts.')] : [
      el('ol', { class: 'rows', 'data-testid': 'alerts' }, items.map((a) => el('li', { class: 'row' },
        el('span', { class: `badge sev-${a.severity}` }, a.severity ?? '?'),
        el('span', { class: 'row-main' }, el('strong', {}, a.code ?? 'alert'), ' ', a.message ?? ''),
        el('time', { datetime: a.createdAt, title: a.createdAt }, timeOf(a.createdAt))))),
    ],
    source: 'GET /v1/alerts (newest 20)',
  }));
}

export function renderApprovals(part) {
  renderPanel('panel-approvals', part, ({ items }) => ({
    nodes: [
      el('p', { class: 'total' }, 'Pending: ', el('strong', { 'data-testid': 'approvals-pending' }, formatNumber(items.length))),
      items.length === 0 ? el('p', { class: 'muted' }, 'Nothing waits for a decision.') : el('ol', { class: 'rows' }, items.slice(0, 10).map(approvalRow)),
    ],
    source: 'GET /v1/approvals?status=pending',
  }));
}

function approvalRow(a) {
  const stage = Array.isArray(a.stages) ? a.stages[a.currentStageIndex ?? 0]?.name : a.currentStageName;
  return el('li', { class: 'row' },
    a.riskTier ? el('span', { class: `badge sev-${a.riskTier}` }, a.riskTier) : null,
    el('span', { class: 'row-main' },
      el('strong', {}, a.id ?? a.approvalId ?? 'approval'),
      stage ? ` · ${stage}` : '',
      a.requestedBy ? ` · requested by ${a.requestedBy}` : ''),
    a.expiresAt ? el('time', { datetime: a.expiresAt, title: `expires ${a.expiresAt}` }, `expires ${timeOf(a.expiresAt)}`) : null);
}

export function renderIntegrity(part) {
  renderPanel('panel-integrity', part, ({ details, summary, problems }) => ({
    nodes: [
      problems.length > 0
        ? el('div', { class: 'alarm', role: 'alert', 'data-testid': 'integrity-alert' },
          el('p', {}, el('strong', {}, 'Integrity alert')),
          el('ul', {}, problems.slice(0, 6).map((p) => el('li', {}, p))))
        : el('p', { class: 'ok', 'data-testid': 'integrity-ok' }, summary ?? 'No signature failures or gaps reported.'),
      details ? definitionList(details) : null,
    ],
    source: details ? 'ops dashboard (continuous integrity verifier)' : 'GET /v1/alerts',
  }));
}

export function renderSecurity(part) {
  renderPanel('panel-security', part, ({ sections, recentEvents, eventsReason }) => ({
    nodes: [
      ...sections.map((s) => el('div', { class: 'subsection' }, el('h3', {}, s.title),
        s.empty && Object.keys(s.data).length === 0 ? el('p', { class: 'muted' }, s.empty) : definitionList(s.data, 10))),
      el('div', { class: 'subsection' }, el('h3', {}, 'Recent security events'),
        recentEvents === null ? el('p', { class: 'muted' }, eventsReason)
          : recentEvents.length === 0 ? el('p', { class: 'muted' }, 'None.')
            : el('ol', { class: 'rows' }, recentEvents.map((e) => el('li', { class: 'row' },
              el('span', { class: 'row-main' }, e.eventType ?? e.type ?? 'event'),
              el('time', { datetime: e.occurredAt, title: e.occurredAt }, timeOf(e.occurredAt)))))),
    ],
    source: null,
  }));
}

export function renderProjections(part) {
  renderPanel('panel-projections', part, ({ data, lagEvents, source }) => {
    const { state: rawState, lagEvents: ownLag, lagSeconds, ...rest } = data ?? {};
    const lag = typeof ownLag === 'number' ? ownLag : lagEvents;
    const state = typeof rawState === 'string' ? rawState : null;
    return {
      nodes: [
        state ? el('p', { class: `state ${stateClass(state) ?? ''}`, 'data-testid': 'projector-state' }, humanize(state.toLowerCase())) : null,
        lag === null ? null : el('p', { class: 'total' }, 'Lag: ', el('strong', { 'data-testid': 'projector-lag' }, formatValue(lag)), ' events',
          typeof lagSeconds === 'number' ? ` · ${formatNumber(lagSeconds, 2)} s` : ''),
        definitionList(state ? rest : data),
      ],
      source,
    };
  });
}
