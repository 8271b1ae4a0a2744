// The ops console: sign in with a bearer token, choose a tenant, poll every 2 s and render.

import { createApiClient } from './api-client.js';
import { el, timeOf } from './dom.js';
import { incidentsState, loadIncidents, renderIncidents, tickCountdowns, wireIncidents } from './incidents-view.js';
import { resetPanels } from './panel.js';
import { renderDecisions, renderGolden, renderSlo } from './panels-signals.js';
import { renderAlerts, renderApprovals, renderIntegrity, renderProjections, renderSecurity } from './panels-status.js';
import { SUGGESTED_TENANTS, TENANT_ID, session } from './session.js';
import { SIGNAL_KEYS, loadTenantView } from './tenant-view.js';

const POLL_MS = 2000;
const HISTORY = 60;

const $ = (id) => document.getElementById(id);
let poller = null;
/** The incidents panel's state for the tenant shown (null when none is). */
let incidents = null;

async function refreshIncidents() {
  const state = incidents;
  if (!state) return;
  const part = await loadIncidents(state);
  if (state === incidents) renderIncidents(part);
}

/** Polls one tenant until stopped; each refresh starts 2 s after the previous one finished. */
function startPolling(token, tenantId) {
  stopPolling();
  const api = createApiClient(token);
  const memory = {};
  const history = Object.fromEntries(SIGNAL_KEYS.map((k) => [k, []]));
  const run = { stopped: false, timer: null };
  poller = run;
  const ownIncidents = incidentsState(api, tenantId);
  incidents = ownIncidents;
  const tick = async () => {
    try {
      const [view, incidentsPart] = await Promise.all([loadTenantView(api, tenantId, memory), loadIncidents(ownIncidents)]);
      if (run.stopped) return;
      if (view.unauthorized) return signOut('The API rejected this token (401). Sign in again.');
      for (const k of SIGNAL_KEYS) history[k] = [...history[k], view.golden[k]].slice(-HISTORY);
      render(view, history);
      renderIncidents(incidentsPart);
      $('live-status').textContent = `Live · updated ${timeOf(new Date(view.at).toISOString())}`;
    } catch (err) {
      $('live-status').textContent = `Refresh failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (!run.stopped) run.timer = setTimeout(tick, POLL_MS);
  };
  void tick();
}

function stopPolling() {
  incidents = null;
  if (!poller) return;
  poller.stopped = true;
  clearTimeout(poller.timer);
  poller = null;
}

function render(view, history) {
  $('board-error').textContent = view.forbidden ? `This token has no access to tenant ${view.tenantId} (403).` : '';
  renderGolden(history, view.golden);
  renderDecisions(view.decisions);
  renderAlerts(view.alerts);
  renderApprovals(view.approvals);
  renderIntegrity(view.integrity);
  renderSecurity(view.security);
  renderSlo(view.slo);
  renderProjections(view.projections);
}

function showTenant(tenantId) {
  const token = session.token();
  if (!token) return;
  session.setTenant(tenantId);
  resetPanels();
  for (const body of document.querySelectorAll('.panel-body')) body.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  $('board-tenant').textContent = tenantId;
  $('tenant-input').value = tenantId;
  $('board').hidden = false;
  fillSuggestions();
  startPolling(token, tenantId);
}

function fillSuggestions() {
  const names = [...new Set([...session.recentTenants(), ...SUGGESTED_TENANTS])];
  $('tenant-options').replaceChildren(...names.map((t) => el('option', { value: t })));
}

function showSignedIn() {
  $('sign-in').hidden = true;
  $('tenant-form').hidden = false;
  $('sign-out').hidden = false;
  fillSuggestions();
  const tenant = session.tenant();
  if (tenant) showTenant(tenant);
  else $('tenant-input').focus();
}

function signOut(message = '') {
  stopPolling();
  session.clear();
  resetPanels();
  $('board').hidden = true;
  $('tenant-form').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('live-status').textContent = '';
  $('sign-in-error').textContent = message;
  $('token-input').value = '';
  $('token-input').focus();
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token-input').value.trim();
  if (!/^[\x21-\x7e]{1,4096}$/.test(token)) {
    $('sign-in-error').textContent = 'Enter a bearer token (printable characters, no spaces).';
    return;
  }
  $('token-input').value = '';
  $('sign-in-error').textContent = '';
  session.setToken(token);
  showSignedIn();
});

$('tenant-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const tenantId = $('tenant-input').value.trim();
  if (!TENANT_ID.test(tenantId)) {
    $('live-status').textContent = 'A tenant id has 1 to 64 letters, digits, "_" or "-".';
    return;
  }
  showTenant(tenantId);
});

$('sign-out').addEventListener('click', () => signOut('Signed out.'));
wireIncidents(() => incidents, refreshIncidents);
setInterval(() => tickCountdowns(), 1000);

if (session.token()) showSignedIn();
