// Tiny DOM helpers. Text always goes through textContent: nothing from the API is parsed as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an element: `el('td', { class: 'num', 'data-testid': 'x' }, '42')`. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  return fill(node, attrs, children);
}

/** Same as `el` in the SVG namespace (attributes only: the CSP forbids inline style). */
export function svg(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Formats a number for people: integers with separators, others with `digits` decimals. */
export function formatNumber(value, digits = 1) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `lastResultAt` -> `Last result at`, `p95_ms` -> `P95 ms`, `last24h` -> `Last 24h`; a key with spaces is a label already. */
export function humanize(key) {
  if (/\s/.test(String(key))) return String(key);
  const words = String(key).replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([a-z]{2})(\d)/g, '$1 $2').replace(/[_.]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Short local time of an ISO timestamp, with the date when it is not today (full value in a title). */
export function timeOf(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const time = d.toLocaleTimeString('en-GB', { hour12: false });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}
