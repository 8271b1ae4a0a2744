// Golden signals, decision mix and SLO budgets.

import { el, formatNumber, humanize, svg } from './dom.js';
import { definitionList, formatValue, renderPanel } from './panel.js';
import { itemsOf, leaves, pickNumber } from './shape.js';
import { sparkline } from './sparkline.js';

const SIGNALS = [
  { key: 'requestsPerSecond', title: 'Requests / s', testid: 'rps', format: (v) => formatNumber(v, 1) },
  { key: 'errorRate', title: 'Error rate (5xx)', testid: 'error-rate', format: (v) => `${formatNumber(v * 100, 2)} %`, max: 0.01 },
  { key: 'p95Ms', title: 'p95 latency', testid: 'p95', format: (v) => `${formatNumber(v, 1)} ms` },
  { key: 'decisionP95Ms', title: 'Policy decision p95', testid: 'decision-p95', format: (v) => `${formatNumber(v, 1)} ms` },
  { key: 'actionsPerSecond', title: 'Actions / s', testid: 'aps', format: (v) => formatNumber(v, 1) },
];

const SOURCE_TEXT = { metrics: '/metrics of this API process, all tenants, per 2 s', none: 'no source' };
const sourceText = (source, windowSeconds) =>
  source === 'dashboard' ? `ops dashboard, this API process${windowSeconds ? `, last ${formatNumber(windowSeconds / 60)} min` : ''}` : SOURCE_TEXT[source];

/** `history` maps each signal to its recent samples, oldest first. */
export function renderGolden(history, latest) {
  const available = Object.values(latest.sources).some((s) => s !== 'none');
  const part = available ? { available, history, sources: latest.sources, windowSeconds: latest.windowSeconds } : { available, reason: 'Not available: neither the dashboard nor /metrics answered.' };
  renderPanel('panel-golden', part, () => ({
    nodes: [el('div', { class: 'signals' }, SIGNALS.map((s) => {
      const values = history[s.key];
      const current = values[values.length - 1];
      return el('figure', { class: 'signal' },
        el('figcaption', {}, s.title),
        el('p', { class: 'value', 'data-testid': `${s.testid}-value` }, typeof current === 'number' ? s.format(current) : '—'),
        sparkline(values, { label: `${s.title}, last ${values.length} samples`, max: s.max }),
        el('p', { class: 'caption' }, sourceText(latest.sources[s.key], latest.windowSeconds)));
    }))],
    source: 'sampled every 2 s by this page',
  }));
}

const STATE_ORDER = ['executed', 'approved', 'approval_required', 'requested', 'denied', 'quarantined', 'failed', 'canceled'];

export function renderDecisions(part) {
  renderPanel('panel-decisions', part, ({ byState, total, byDecision, perMinute, source }) => {
    const states = [...STATE_ORDER.filter((s) => s in byState), ...Object.keys(byState).filter((s) => !STATE_ORDER.includes(s))];
    const top = Math.max(1, ...states.map((s) => Number(byState[s]) || 0));
    return {
      nodes: [
        el('p', { class: 'total' }, 'Actions: ', el('strong', { 'data-testid': 'actions-total' }, formatNumber(total))),
        el('table', { class: 'mix' },
          el('caption', { class: 'visually-hidden' }, 'Actions by current state'),
          el('tbody', {}, states.map((state) => {
            const n = Number(byState[state]) || 0;
            return el('tr', { 'data-state': state },
              el('th', { scope: 'row' }, humanize(state)),
              el('td', { class: 'num', 'data-testid': `state-${state}` }, formatNumber(n)),
              el('td', { class: 'bar-cell' }, svg('svg', { viewBox: '0 0 100 8', preserveAspectRatio: 'none', class: 'bar', 'aria-hidden': 'true' },
                svg('rect', { x: 0, y: 0, height: 8, width: ((100 * n) / top).toFixed(2), class: `fill-${state}` }))));
          }))),
        perMinute ? el('figure', { class: 'signal minutes' },
          el('figcaption', {}, 'Decisions per minute, last hour'),
          sparkline(perMinute, { label: 'Decisions per minute over the last hour' })) : null,
        byDecision ? el('p', { class: 'caption', 'data-testid': 'by-decision' }, Object.entries(byDecision).map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ')) : null,
      ],
      source,
    };
  });
}

export function renderSlo(part) {
  renderPanel('panel-slo', part, ({ body, source }) => {
    const list = itemsOf(body, 'slos', 'objectives', 'slis') ?? (body && typeof body === 'object' ? Object.entries(body).filter(([, v]) => v && typeof v === 'object').map(([name, v]) => ({ name, ...v })) : []);
    if (list.length === 0) return { nodes: [definitionList(body)], source };
    return { nodes: [el('ul', { class: 'slos' }, list.map(sloItem))], source };
  });
}

const trimZeros = (text) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
/** A ratio (0..1) as a percentage with up to three decimals: 0.9995 -> "99.95 %". */
const percent = (v) => (typeof v === 'number' && v <= 1 ? `${trimZeros((v * 100).toFixed(3))} %` : formatValue(v));

function sloItem(slo) {
  const name = slo.name ?? slo.title ?? slo.id ?? 'SLO';
  const budget = pickNumber(slo, /budget.*(remain|left)|remaining/i);
  const left = budget ? (/percent/i.test(budget.path) ? budget.value / 100 : budget.value) : null;
  const sli = typeof slo.sli === 'number' ? slo.sli : slo.sli?.ratio ?? slo.current ?? null;
  const burns = leaves(slo.burnRates ?? slo).filter(([path, v]) => (slo.burnRates || /burn/i.test(path)) && (typeof v === 'number' || v === null));
  return el('li', { class: 'slo' },
    el('p', { class: 'slo-name' }, name, slo.status ? el('span', { class: `badge slo-${slo.status}` }, String(slo.status).replace(/_/g, ' ')) : null),
    el('p', { class: 'slo-figures' }, `target ${percent(slo.target ?? slo.objective ?? null)} · now ${sli === null ? 'no data' : percent(sli)}`),
    left === null ? el('p', { class: 'slo-budget' }, 'budget: no data yet') : el('p', { class: 'slo-budget' }, `budget left ${formatNumber(left * 100, 1)} %`,
      svg('svg', { viewBox: '0 0 100 6', preserveAspectRatio: 'none', class: 'bar', 'aria-hidden': 'true' },
        svg('rect', { x: 0, y: 0, height: 6, width: (100 * Math.max(0, Math.min(1, left))).toFixed(2), class: left < 0.25 ? 'fill-denied' : 'fill-executed' }))),
    burns.length ? el('p', { class: 'slo-burn' }, `burn rate ${burns.map(([p, v]) => `${p.split('.').pop().replace(/^burn_?rates?_?/i, '')} ${v === null ? '—' : formatNumber(v, 2)}`).join(' · ')}`) : null);
}
