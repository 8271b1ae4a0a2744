// One refresh of the console: every source for a tenant, fetched side by side, each degrading on
// its own to "not available" while the endpoints of issue 4 land.

import { unavailableReason } from './api-client.js';
import { goldenBetween, parsePrometheusText, snapshotOf, sumOf } from './prometheus-text.js';
import { goldenFromDashboard, integrityProblems, integritySummary, isIntegrityAlert, itemsOf } from './shape.js';

const ACTION_STATES = ['requested', 'denied', 'approval_required', 'approved', 'executed', 'failed', 'quarantined', 'canceled'];
const RECEIPT_WINDOW = 500;

const missing = (answer, what) => ({ available: false, reason: unavailableReason(answer, what) });

/**
 * Loads the view of `tenantId`. `memory` carries the previous scrape between calls (rates are
 * differences of two samples); pass a fresh object when the tenant changes.
 */
export async function loadTenantView(api, tenantId, memory) {
  const t = encodeURIComponent(tenantId);
  const [dash, metrics, alerts, approvals, ready, events] = await Promise.all([
    api.get(`/v1/admin/ops/dashboard?tenantId=${t}`),
    api.get('/metrics', { auth: false }),
    api.get(`/v1/alerts?tenantId=${t}&limit=20`),
    api.get(`/v1/approvals?tenantId=${t}&status=pending`),
    api.get('/health/ready', { auth: false }),
    api.get(`/v1/security-events?tenantId=${t}&limit=5`),
  ]);
  const d = dash.ok && dash.body && typeof dash.body === 'object' ? dash.body : null;
  const needReceipts = !d?.actions?.byState;
  const sloSection = d?.slo ?? d?.slos ?? null;
  const [receipts, slo] = await Promise.all([
    needReceipts ? api.get(`/v1/receipts?tenantId=${t}&limit=${RECEIPT_WINDOW}`) : null,
    sloSection ? null : api.get('/v1/admin/ops/slo'),
  ]);
  const samples = metrics.ok && typeof metrics.body === 'string' ? parsePrometheusText(metrics.body) : null;
  const now = Date.now();
  const answers = [dash, alerts, approvals, events, receipts, slo].filter(Boolean);
  return {
    tenantId,
    at: now,
    unauthorized: answers.some((a) => a.status === 401),
    forbidden: [dash, alerts].some((a) => a.status === 403 && a.body?.error?.code === 'tenant_forbidden'),
    dashboard: d ? { available: true } : missing(dash, 'the ops dashboard'),
    golden: golden(d, samples, now, memory),
    decisions: decisions(d, receipts),
    alerts: alerts.ok ? { available: true, items: itemsOf(alerts.body) ?? [] } : missing(alerts, 'GET /v1/alerts'),
    approvals: approvals.ok ? { available: true, items: itemsOf(approvals.body, 'approvals') ?? [] } : missing(approvals, 'GET /v1/approvals'),
    integrity: integrity(d, dash, alerts),
    security: security(d, samples, events),
    slo: sloSection ? { available: true, source: 'ops dashboard', body: sloSection } : slo.ok ? { available: true, source: 'GET /v1/admin/ops/slo', body: slo.body } : missing(slo, 'GET /v1/admin/ops/slo'),
    projections: projections(d, ready, samples),
  };
}

/** The golden signals the console charts. */
export const SIGNAL_KEYS = ['requestsPerSecond', 'errorRate', 'p95Ms', 'decisionP95Ms', 'actionsPerSecond'];

function golden(d, samples, now, memory) {
  const fromDashboard = goldenFromDashboard(d?.goldenSignals);
  let fromMetrics = {};
  if (samples) {
    const snap = snapshotOf(samples, now);
    if (memory.metrics) fromMetrics = goldenBetween(memory.metrics, snap);
    memory.metrics = snap;
  }
  const out = { sources: {}, windowSeconds: typeof d?.goldenSignals?.windowSeconds === 'number' ? d.goldenSignals.windowSeconds : null };
  for (const key of SIGNAL_KEYS) {
    const fromD = key in fromDashboard;
    out[key] = fromD ? fromDashboard[key] : fromMetrics[key] ?? null;
    out.sources[key] = fromD ? 'dashboard' : samples ? 'metrics' : 'none';
  }
  return out;
}

function decisions(d, receipts) {
  if (d?.actions?.byState) {
    const byState = { ...d.actions.byState };
    const sum = Object.values(byState).reduce((a, b) => a + (Number(b) || 0), 0);
    return {
      available: true,
      byState,
      total: typeof d.actions.total === 'number' ? d.actions.total : sum,
      byDecision: d.decisions?.byDecision ?? null,
      perMinute: Array.isArray(d.decisions?.lastHour) ? perMinute(d.decisions.lastHour, Date.parse(d.generatedAt) || Date.now()) : null,
      source: 'ops dashboard (exact counts)',
    };
  }
  if (!receipts.ok) return missing(receipts, 'GET /v1/receipts');
  // Newest first: the first receipt seen of an action is its current state.
  const stateOf = new Map();
  for (const r of itemsOf(receipts.body) ?? []) {
    if (r?.actionId && typeof r.type === 'string' && r.type.startsWith('action.') && !stateOf.has(r.actionId)) stateOf.set(r.actionId, r.type.slice(7));
  }
  const byState = Object.fromEntries(ACTION_STATES.map((s) => [s, 0]));
  for (const state of stateOf.values()) byState[state] = (byState[state] ?? 0) + 1;
  const capped = Boolean(receipts.body?.nextCursor);
  return {
    available: true,
    byState,
    total: stateOf.size,
    source: capped ? `receipts: actions among the latest ${RECEIPT_WINDOW} receipts only` : 'receipts (every action of the tenant)',
  };
}

/** Decisions per minute over the last hour, oldest first, from the sparse `{ minute, counts }` rows. */
function perMinute(rows, now) {
  const minute = 60_000;
  const last = Math.floor(now / minute);
  const slots = new Array(60).fill(0);
  for (const row of rows) {
    const i = 59 - (last - Math.floor(Date.parse(row.minute) / minute));
    if (i >= 0 && i < 60) slots[i] += Object.values(row.counts ?? {}).reduce((a, b) => a + (Number(b) || 0), 0);
  }
  return slots;
}

function integrity(d, dash, alerts) {
  const integrityAlerts = alerts.ok ? (itemsOf(alerts.body) ?? []).filter(isIntegrityAlert) : [];
  const fromAlerts = integrityAlerts.map((a) => `${a.code}: ${a.message}`);
  const section = d?.integrity;
  if (section) return { available: true, details: integrityDetails(section), summary: integritySummary(section), problems: [...integrityProblems(section), ...fromAlerts] };
  if (fromAlerts.length > 0) return { available: true, details: null, summary: null, problems: fromAlerts };
  return d ? { available: false, reason: 'Not available: the ops dashboard has no integrity section yet.' } : missing(dash, 'the integrity verifier (ops dashboard)');
}

/** The facts of the integrity section worth a line each (the whole section when its shape is unknown). */
function integrityDetails(section) {
  const { verifier, tenant } = section;
  if (!tenant || typeof tenant !== 'object') return section;
  return {
    verifier: verifier?.state ?? null,
    checkedThrough: `${tenant.position} / ${tenant.head}`,
    lastCheckedAt: tenant.lastCheckedAt ?? null,
    lastResult: tenant.lastResult ?? null,
    findings: tenant.findingsTotal ?? null,
    violationsRecorded: section.violationsRecorded ?? null,
    lastViolationAt: section.lastViolationAt ?? null,
    ...(tenant.error ? { verifierError: tenant.error } : {}),
  };
}

function security(d, samples, events) {
  const sections = [];
  if (d?.securitySignals) sections.push({ title: 'Security signals (ops dashboard)', data: securityFacts(d.securitySignals) });
  if (d?.securityEvents) sections.push({ title: 'Security events (ops dashboard)', data: d.securityEvents });
  if (d?.workloadIdentity) sections.push({ title: 'Workload identity (mTLS)', data: workloadFacts(d.workloadIdentity) });
  if (samples && !d?.securitySignals) {
    const byCode = {};
    for (const s of samples) if (s.name === 'oars_auth_failures_total') byCode[s.labels.code ?? 'unknown'] = (byCode[s.labels.code ?? 'unknown'] ?? 0) + s.value;
    sections.push({ title: 'Auth failures, this API process (all tenants, /metrics)', data: byCode, empty: 'No 401 or 403 answers so far.' });
  }
  const recent = events.ok ? itemsOf(events.body) ?? [] : null;
  if (sections.length === 0 && !recent) return missing(events, 'security signals');
  return { available: true, sections, recentEvents: recent, eventsReason: events.ok ? null : unavailableReason(events, 'GET /v1/security-events') };
}

/** The dashboard's security signals, one line each (the section as is when its shape is unknown). */
function securityFacts(s) {
  const drift = s.policyDrift;
  if (!drift || typeof drift !== 'object') return s;
  const inForce = drift.cache?.stream ?? null;
  return {
    deniedHighRisk: s.deniedHighRisk ?? null,
    'Auth failures (24 h)': s.authFailures?.last24h ?? null,
    integrityViolations: s.integrityViolations ?? null,
    policyDriftDecisions: drift.decisions ?? null,
    policyDriftLastDetectedAt: drift.lastDetectedAt ?? null,
    policyCache: drift.cache?.state ?? null,
    policyInForce: inForce ? `${inForce.policySetId} ${inForce.policyVersion}` : drift.publishedPolicy ? `${drift.publishedPolicy.id} ${drift.publishedPolicy.version}` : null,
  };
}

function workloadFacts(w) {
  if (!w.verification || typeof w.verification !== 'object') return w;
  return {
    'mTLS enabled': w.enabled ?? null,
    enforcedForRoles: w.enforceForRoles ?? null,
    verificationFailures: w.verification.failureCount ?? null,
    verificationSuccesses: w.verification.successCount ?? null,
    lastFailureAt: w.verification.lastFailureAt ?? null,
    lastFailureReason: w.verification.lastFailureReason ?? null,
  };
}

function projections(d, ready, samples) {
  const lag = samples && samples.some((s) => s.name === 'oars_projector_lag_events') ? sumOf(samples, 'oars_projector_lag_events') : null;
  if (d?.projections) return { available: true, source: 'ops dashboard', data: d.projections, lagEvents: lag };
  const projector = ready.body?.components?.projector;
  if (projector) return { available: true, source: '/health/ready and /metrics', data: { state: projector.state, message: projector.message }, lagEvents: lag };
  if (ready.status === 0) return missing(ready, '/health/ready');
  return { available: false, reason: 'No projector runs in this API process (OARS_RUN_PROJECTOR=false) and the dashboard has no projections section.' };
}
