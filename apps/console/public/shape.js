// Reading answers whose exact shape may still change: the dashboard sections land concurrently, so
// the console looks values up by meaning (key patterns) instead of by one fixed path.

/** Leaves of `value` as `[path, leaf]` pairs (`a.b.c`), arrays kept whole, up to `depth` levels. */
export function leaves(value, depth = 4, prefix = '') {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth === 0) return prefix ? [[prefix, value]] : [];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, depth - 1, prefix ? `${prefix}.${k}` : k));
}

/** The first finite number whose path matches `pattern` (and not `unless`), with its path. */
export function pickNumber(value, pattern, unless) {
  for (const [path, leaf] of leaves(value)) {
    if (typeof leaf === 'number' && Number.isFinite(leaf) && pattern.test(path) && !(unless && unless.test(path))) return { path, value: leaf };
  }
  return null;
}

/**
 * The golden signals of the dashboard's `goldenSignals` section: requests/s, error rate (0..1), p95
 * latency of action submission and of the policy decision (ms), actions/s. A key is present when the
 * section reports it (its value may be null: no data in the window); absent keys come from /metrics.
 */
export function goldenFromDashboard(section) {
  if (!section || typeof section !== 'object') return {};
  const out = {};
  const set = (key, value) => {
    if (value === null || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
  };
  // The shape of GET /v1/admin/ops/dashboard (apps/api/src/ops/ops-dashboard.types.ts).
  set('requestsPerSecond', section.requests?.perSecond);
  set('errorRate', section.requests?.errorRate);
  set('p95Ms', section.submitActions?.p95Ms);
  set('decisionP95Ms', section.decisions?.p95Ms);
  set('actionsPerSecond', section.submitActions?.perSecond);
  // Otherwise by meaning, in case the section's shape moves.
  const guess = (key, pattern, unless) => {
    if (key in out) return;
    const found = pickNumber(section, pattern, unless);
    if (found) out[key] = /percent/i.test(found.path) ? found.value / 100 : /(seconds?|secs?|_s)$/i.test(found.path) && key.endsWith('Ms') ? found.value * 1000 : found.value;
  };
  guess('requestsPerSecond', /(request|traffic|http).*(per_?s|persec|rate|rps)|\brps\b/i, /error|fail|action|decision/i);
  guess('errorRate', /error.*(rate|ratio|percent|share)/i, /client/i);
  guess('p95Ms', /p95/i, /decision|polic/i);
  guess('decisionP95Ms', /(decision|polic).*p95/i);
  guess('actionsPerSecond', /action.*(per_?s|persec|rate)/i, /error/i);
  return out;
}

const BAD_COUNT = /(fail|gap|break|bad|invalid|mismatch|unknown|forg|tamper|violation|finding|problem|corrupt)/i;
const BAD_WORD = /^(error|errors|fail|failed|failure|broken|tampered|violations?|invalid|alert|critical|bad)$/i;
const STATE_KEY = /(state|status|result|outcome|verdict|health)$/i;
const OK_KEY = /(^|\.)(ok|valid|healthy|intact|verified|passed)$/i;
const LIST_KEY = /(finding|problem|violation|error|issue|failure|gap|break)s?$/i;

/**
 * What in the dashboard's `integrity` section says the tenant's chain is not intact (or that the
 * verifier itself fails). Empty when nothing is wrong.
 */
export function integrityProblems(section) {
  if (section?.tenant && typeof section.tenant === 'object') return knownProblems(section);
  return guessedProblems(section);
}

/** The shape of the dashboard's integrity section (verifier, tenant, violationsRecorded). */
function knownProblems({ verifier, tenant, violationsRecorded }) {
  const problems = [];
  const found = Math.max(Number(tenant.findingsTotal) || 0, Number(violationsRecorded) || 0);
  if (found > 0 || tenant.lastResult === 'violations') {
    const last = tenant.lastFinding;
    const where = last ? `; last: ${last.kind} at sequence ${last.sequence}${last.detail ? ` (${last.detail})` : ''}` : '';
    problems.push(`${found} integrity violation${found === 1 ? '' : 's'} in this tenant's stream${where}`);
  }
  if (verifier?.state === 'ERROR') problems.push(`The integrity verifier reports ERROR: ${verifier.message ?? ''}`);
  return problems;
}

/** Any other shape, by meaning: positive failure counters, failed states, `ok: false`, findings. */
function guessedProblems(section) {
  const problems = [];
  for (const [path, leaf] of leaves(section)) {
    const key = path.split('.').pop();
    if (typeof leaf === 'number' && leaf > 0 && BAD_COUNT.test(key) && !/(at|time|seconds|ms|sequence|position)$/i.test(key)) problems.push(`${path}: ${leaf}`);
    else if (typeof leaf === 'string' && STATE_KEY.test(key) && BAD_WORD.test(leaf)) problems.push(`${path}: ${leaf}`);
    else if (leaf === false && OK_KEY.test(path)) problems.push(`${path}: false`);
    else if (Array.isArray(leaf) && leaf.length > 0 && LIST_KEY.test(key)) problems.push(`${path}: ${leaf.length} (${describeItem(leaf[0])})`);
  }
  return problems;
}

/** One line on where verification stands, for when nothing is wrong. */
export function integritySummary(section) {
  const t = section?.tenant;
  if (!t || typeof t !== 'object') return null;
  if (t.lastResult === null || t.lastResult === undefined) return 'Not verified yet.';
  return `Chain verified through sequence ${t.position} of ${t.head}: no signature failures or gaps.`;
}

function describeItem(item) {
  if (item === null || typeof item !== 'object') return String(item);
  const parts = ['type', 'kind', 'code', 'reason', 'message', 'sequence'].filter((k) => item[k] !== undefined).map((k) => `${k} ${item[k]}`);
  return parts.length ? parts.join(', ') : JSON.stringify(item).slice(0, 120);
}

/** Alerts the integrity verifier raises (signature, chain, key or tamper codes). */
export const isIntegrityAlert = (alert) => /INTEGRITY|SIGNATURE|CHAIN|TAMPER|FORG|GAP|KEY/i.test(`${alert?.code ?? ''}`);

/** The items of a list answer: `{ items: [...] }`, `{ <name>: [...] }` or a bare array. */
export function itemsOf(body, ...names) {
  if (Array.isArray(body)) return body;
  for (const name of ['items', ...names]) if (Array.isArray(body?.[name])) return body[name];
  return null;
}
