// The incidents of a tenant: open and acknowledged ones, the time left to the acknowledgement
// target, an Acknowledge button, and the timeline of the one selected (docs/incidents.md).

import { unavailableReason } from './api-client.js';
import { el, formatNumber, humanize, timeOf } from './dom.js';
import { renderPanel } from './panel.js';
import { itemsOf } from './shape.js';

const PANEL = 'panel-incidents';
const ACTIVE = ['open', 'acknowledged'];
const SEVERITY_ORDER = { SEV1: 0, SEV2: 1, SEV3: 2 };

/** What the panel remembers between refreshes of one tenant: the selected incident, acknowledgements in flight, the last notice. */
export function incidentsState(api, tenantId) {
  return { api, tenantId, selectedId: null, busy: new Set(), notice: null };
}

/** Loads the active incidents (and the selected one's timeline) into a panel part. */
export async function loadIncidents(state) {
  const t = encodeURIComponent(state.tenantId);
  const selected = state.selectedId;
  const [lists, detail] = await Promise.all([
    Promise.all(ACTIVE.map((status) => state.api.get(`/v1/incidents?tenantId=${t}&status=${status}&limit=500`))),
    selected ? state.api.get(`/v1/incidents/${encodeURIComponent(selected)}`) : null,
  ]);
  const failed = lists.find((a) => !a.ok);
  if (failed) return { available: false, reason: unavailableReason(failed, 'the incidents API (GET /v1/incidents)') };
  const items = lists.flatMap((a) => itemsOf(a.body) ?? []).sort(byUrgency);
  return {
    available: true,
    tenantId: state.tenantId,
    items,
    more: lists.some((a) => Boolean(a.body?.nextCursor)),
    selected: selected ? { incidentId: selected, incident: detail.ok ? detail.body : null, reason: detail.ok ? null : unavailableReason(detail, `incident ${selected}`) } : null,
    busy: [...state.busy],
    notice: state.notice,
  };
}

/** Open before acknowledged, then by severity, then the one due first. */
function byUrgency(a, b) {
  return (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1)
    || (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9)
    || String(a.ackDueAt).localeCompare(String(b.ackDueAt));
}

/** POSTs the acknowledgement; the notice says how it went. */
export async function acknowledgeIncident(state, incidentId) {
  if (state.busy.has(incidentId)) return;
  state.busy.add(incidentId);
  try {
    const res = await state.api.post(`/v1/incidents/${encodeURIComponent(incidentId)}/acknowledge`, { tenantId: state.tenantId });
    state.notice = res.ok
      ? { kind: 'ok', text: `Acknowledged ${incidentId}${typeof res.body?.timeToAcknowledgeSeconds === 'number' ? ` after ${duration(res.body.timeToAcknowledgeSeconds)}${res.body.acknowledgedWithinTarget === false ? ', past the target' : ', within the target'}` : ''}.` }
      : { kind: 'error', text: `Could not acknowledge ${incidentId}: ${res.body?.error?.message ?? unavailableReason(res, 'acknowledging')}` };
  } finally {
    state.busy.delete(incidentId);
  }
}

export function renderIncidents(part) {
  renderPanel(PANEL, part, ({ items, more, selected, busy, notice }) => ({
    nodes: [
      notice ? el('p', { class: notice.kind === 'error' ? 'error' : 'ok', role: notice.kind === 'error' ? 'alert' : 'status', 'data-testid': 'incident-notice' }, notice.text) : null,
      el('p', { class: 'total' }, 'Open: ', el('strong', { 'data-testid': 'incidents-open' }, formatNumber(items.filter((i) => i.status === 'open').length)),
        ' · acknowledged: ', el('strong', { 'data-testid': 'incidents-acknowledged' }, formatNumber(items.filter((i) => i.status === 'acknowledged').length))),
      items.length === 0 ? el('p', { class: 'muted' }, 'No open incidents.') : el('ol', { class: 'rows', 'data-testid': 'incidents' }, items.map((i) => incidentRow(i, busy.includes(i.incidentId), selected?.incidentId === i.incidentId))),
      more ? el('p', { class: 'caption' }, 'More incidents than shown: the oldest are left out.') : null,
      selected ? timelineOf(selected) : null,
    ],
    source: 'GET /v1/incidents (open and acknowledged) · times left update every second',
  }));
  tickCountdowns();
}

function incidentRow(i, busy, expanded) {
  const summaryId = `incident-summary-${i.incidentId}`;
  return el('li', { class: 'row incident', 'data-incident-id': i.incidentId },
    el('span', { class: `badge sev-${i.severity}` }, i.severity ?? '?'),
    el('span', { class: 'row-main', id: summaryId },
      el('strong', {}, i.code ?? 'Declared'), ' ', i.summary ?? '',
      i.count > 1 ? el('span', { class: 'caption' }, ` · ${formatNumber(i.count)} alerts`) : null,
      i.target ? el('span', { class: 'caption' }, ` · ${i.target}`) : null),
    i.status === 'open'
      ? el('span', { class: 'countdown', 'data-due': i.ackDueAt, 'data-testid': 'ack-countdown', title: `acknowledge by ${i.ackDueAt}` }, '')
      : el('span', { class: 'caption', 'data-testid': 'ack-state' }, `acknowledged${i.acknowledgedBy ? ` by ${i.acknowledgedBy}` : ''}${i.acknowledgedAt ? ` at ${timeOf(i.acknowledgedAt)}` : ''}`),
    i.status === 'open'
      ? el('button', { type: 'button', 'data-action': 'acknowledge', 'data-incident-id': i.incidentId, 'aria-describedby': summaryId, disabled: busy }, busy ? 'Acknowledging…' : 'Acknowledge')
      : null,
    el('button', { type: 'button', class: 'secondary', 'data-action': 'timeline', 'data-incident-id': i.incidentId, 'aria-describedby': summaryId, 'aria-expanded': expanded ? 'true' : 'false', 'aria-controls': 'incident-timeline' }, 'Timeline'));
}

function timelineOf({ incidentId, incident, reason }) {
  const entries = Array.isArray(incident?.timeline) ? incident.timeline : [];
  return el('section', { id: 'incident-timeline', class: 'subsection', 'aria-label': `Timeline of ${incidentId}` },
    el('h3', {}, `Timeline of ${incidentId}`, incident ? ` · ${incident.status}` : ''),
    !incident ? el('p', { class: 'muted' }, reason)
      : entries.length === 0 ? el('p', { class: 'muted' }, 'No entries yet.')
        : el('ol', { class: 'timeline', 'data-testid': 'incident-timeline' }, entries.map((e) => el('li', {},
          el('time', { datetime: e.at, title: e.at }, timeOf(e.at)), ' ',
          el('strong', {}, stepOf(e.type)),
          e.actor ? el('span', { class: 'caption' }, ` by ${e.actor}`) : null,
          detailsOf(e) ? el('span', {}, ` · ${detailsOf(e)}`) : null))));
}

/** `incident.alert_grouped` -> `Alert grouped`. */
const stepOf = (type) => humanize(String(type ?? 'entry').replace(/^incident\./, ''));

/** The details of a timeline entry worth one line (docs/incidents.md lists them per type). */
function detailsOf({ type, details: d }) {
  if (!d || typeof d !== 'object') return '';
  switch (type) {
    case 'incident.opened':
    case 'incident.alert_grouped':
      return d.alertId ? `alert ${d.alertId}` : '';
    case 'incident.escalated': {
      const n = d.notify ?? {};
      const whom = [...(n.oncallUserIds ?? []), ...(n.channelIds ?? [])];
      return `level ${n.level ?? '?'}: ${whom.length ? whom.join(', ') : 'nobody'}${d.fallback ? ' (fallback)' : ''}`;
    }
    case 'incident.acknowledged':
      return typeof d.timeToAcknowledgeSeconds === 'number' ? `after ${duration(d.timeToAcknowledgeSeconds)}${d.withinTarget === false ? ', past the target' : ', within the target'}` : '';
    case 'incident.update_posted':
      return d.update ? `${d.update.stage ? `${d.update.stage}: ` : ''}${d.update.message ?? ''}` : '';
    case 'incident.resolved':
      return d.resolution ?? '';
    default:
      return '';
  }
}

/** `125` -> `2 min 5 s`. */
function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h ? `${h} h` : '', m ? `${m} min` : '', h ? '' : `${s % 60} s`].filter(Boolean).join(' ');
}

/** Rewrites every "time left" of the panel for `now` (called every second, and after each render). */
export function tickCountdowns(now = Date.now()) {
  for (const node of document.querySelectorAll(`#${PANEL} [data-due]`)) {
    const left = Math.round((Date.parse(node.getAttribute('data-due')) - now) / 1000);
    if (Number.isNaN(left)) continue;
    node.classList.toggle('overdue', left < 0);
    node.textContent = left >= 0 ? `${duration(left)} left to acknowledge` : `acknowledgement overdue by ${duration(-left)}`;
  }
}

/**
 * Handles the panel's buttons (one listener on the panel, so re-renders keep it): Acknowledge, and
 * Timeline (shows or hides the incident's timeline). `refresh` renders the panel again at once.
 */
export function wireIncidents(currentState, refresh) {
  document.getElementById(PANEL).addEventListener('click', (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    const state = currentState();
    if (!button || !state) return;
    const id = button.getAttribute('data-incident-id');
    if (button.getAttribute('data-action') === 'timeline') {
      state.selectedId = state.selectedId === id ? null : id;
      void refresh();
      return;
    }
    state.notice = null;
    const done = acknowledgeIncident(state, id); // marks it busy at once
    void refresh();
    void done.then(refresh);
  });
}
