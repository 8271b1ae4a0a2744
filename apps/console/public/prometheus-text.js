// Reads the Prometheus text exposition of GET /metrics and derives the golden signals from two scrapes.

/** Routes left out of the traffic figures: the scrape itself and the console's static files. */
const UNCOUNTED_ROUTES = new Set(['/metrics', '/console', '/console/:file']);

/**
 * Parses exposition text into samples `{ name, labels, value }` (comments and malformed lines are
 * skipped; `+Inf`, `-Inf` and `NaN` are read as numbers).
 */
export function parsePrometheusText(text) {
  const samples = [];
  for (const raw of String(text).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : m[4]);
    samples.push({ name: m[1], labels: m[3] ? parseLabels(m[3]) : {}, value });
  }
  return samples;
}

function parseLabels(text) {
  const labels = {};
  const re = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  let m;
  while ((m = re.exec(text))) labels[m[1]] = m[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
  return labels;
}

/** Sum of the samples named `name` whose labels pass `keep`. */
export function sumOf(samples, name, keep = () => true) {
  let sum = 0;
  for (const s of samples) if (s.name === name && keep(s.labels)) sum += s.value;
  return sum;
}

const counted = (labels) => !UNCOUNTED_ROUTES.has(labels.route);

/** A cumulative latency histogram summed over the series `keep` accepts: `[[le, count], ...]` sorted by `le`. */
function bucketsOf(samples, name, keep = () => true) {
  const byLe = new Map();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !keep(s.labels)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * The `q` quantile of a cumulative histogram, interpolated linearly inside its bucket (as Prometheus'
 * histogram_quantile does); null without observations.
 */
export function histogramQuantile(q, buckets) {
  if (buckets.length === 0) return null;
  const total = buckets[buckets.length - 1][1];
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      if (count === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** The figures of one scrape that later scrapes are compared with. */
export function snapshotOf(samples, at) {
  return {
    at,
    requests: sumOf(samples, 'oars_http_requests_total', counted),
    serverErrors: sumOf(samples, 'oars_http_requests_total', (l) => counted(l) && /^5/.test(l.status ?? '')),
    actions: sumOf(samples, 'oars_actions_total'),
    buckets: bucketsOf(samples, 'oars_http_request_duration_seconds', counted),
    decisionBuckets: bucketsOf(samples, 'oars_policy_decision_duration_seconds'),
  };
}

/** The `q` quantile (ms) of what a histogram observed between two snapshots, or null. */
function quantileBetween(q, before, after) {
  const delta = after.map(([le, count]) => [le, count - (before.find((b) => b[0] === le)?.[1] ?? 0)]);
  const seconds = histogramQuantile(q, delta);
  return seconds === null ? null : seconds * 1000;
}

/**
 * Golden signals over the interval between two snapshots of this process: requests/s, the share of
 * 5xx answers, p95 request and policy decision latency (ms) and actions/s. Null where the interval
 * holds no data or a counter went back (the process restarted).
 */
export function goldenBetween(prev, cur) {
  const seconds = (cur.at - prev.at) / 1000;
  const requests = cur.requests - prev.requests;
  if (!(seconds > 0) || requests < 0) return { requestsPerSecond: null, errorRate: null, p95Ms: null, decisionP95Ms: null, actionsPerSecond: null };
  const errors = cur.serverErrors - prev.serverErrors;
  const actions = cur.actions - prev.actions;
  return {
    requestsPerSecond: requests / seconds,
    errorRate: requests > 0 && errors >= 0 ? errors / requests : null,
    p95Ms: quantileBetween(0.95, prev.buckets, cur.buckets),
    decisionP95Ms: quantileBetween(0.95, prev.decisionBuckets, cur.decisionBuckets),
    actionsPerSecond: actions >= 0 ? actions / seconds : null,
  };
}
