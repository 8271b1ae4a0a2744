// The shared frame of a panel: "not available" with the reason, or content plus a source line.

import { el, formatNumber, humanize, timeOf } from './dom.js';
import { leaves } from './shape.js';

const lastKey = new Map();

/**
 * Renders `part` into the panel `id` with `build(part) -> { nodes, source }`. Skips the DOM work
 * when the part has not changed, so live regions announce changes only.
 */
export function renderPanel(id, part, build) {
  const key = JSON.stringify(part);
  if (lastKey.get(id) === key) return;
  lastKey.set(id, key);
  const section = document.getElementById(id);
  const body = section.querySelector('.panel-body');
  const source = section.querySelector('.source');
  section.classList.toggle('is-unavailable', !part.available);
  if (!part.available) {
    body.replaceChildren(el('p', { class: 'unavailable', 'data-testid': 'unavailable' }, part.reason));
    source.textContent = '';
    return;
  }
  const { nodes, source: text } = build(part);
  // replaceChildren would insert null as the text "null": optional nodes are left out.
  body.replaceChildren(...nodes.filter((node) => node !== null && node !== undefined));
  source.textContent = text ? `Source: ${text}` : '';
}

/** Forgets what was rendered (after sign-out or a tenant change). */
export function resetPanels() {
  lastKey.clear();
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A value as short text: numbers grouped, ISO times as local times, lists by size. */
export function formatValue(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value, 2);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return ISO.test(value) ? timeOf(value) : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    if (value.length <= 3 && value.every((v) => typeof v !== 'object')) return value.join(', ');
    return `${value.length} items`;
  }
  return JSON.stringify(value).slice(0, 80);
}

/** The leaves of an object as a definition list (at most `limit` rows). */
export function definitionList(data, limit = 14) {
  const rows = leaves(data, 3).slice(0, limit);
  if (rows.length === 0) return el('p', { class: 'muted' }, 'Nothing reported.');
  return el('dl', { class: 'facts' }, rows.map(([path, value]) => [
    el('dt', {}, humanize(path)),
    el('dd', { class: stateClass(value) }, formatValue(value)),
  ]));
}

/** CSS class of a component state (OK / WARN / ERROR / NOT_READY). */
export function stateClass(value) {
  if (typeof value !== 'string') return null;
  if (/^(ok|healthy|pass(ed)?|in_sync)$/i.test(value)) return 'state-ok';
  if (/^(warn|warning|not_ready|degraded|behind|slow_burn)$/i.test(value)) return 'state-warn';
  if (/^(error|fail(ed)?|critical|broken|drift|violations|fast_burn|exhausted)$/i.test(value)) return 'state-error';
  return null;
}
