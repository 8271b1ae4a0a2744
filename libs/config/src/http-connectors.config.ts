/** One tool executed by OARS calling an HTTP endpoint (an entry of OARS_HTTP_CONNECTORS). */
export interface HttpConnectorConfig {
  /** The `resource.toolId` this connector executes. */
  toolId: string;
  /** http or https URL; OARS POSTs the approved action to it. */
  url: string;
  /** Upper bound of the whole call (connect, answer, body). */
  timeoutMs: number;
  /**
   * Allow targets in private networks (loopback, RFC 1918, link-local, metadata hosts, IPv6
   * private ranges). Off by default: every resolved address is checked at call time.
   */
  allowPrivateNetwork: boolean;
}

export const HTTP_CONNECTOR_DEFAULT_TIMEOUT_MS = 5000;
export const HTTP_CONNECTOR_MAX_TIMEOUT_MS = 60_000;

const TOOL_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const FIELDS: ReadonlySet<string> = new Set(['toolId', 'url', 'timeoutMs', 'allowPrivateNetwork']);

export type HttpConnectorsParse = { ok: true; connectors: HttpConnectorConfig[] } | { ok: false; problem: string };

/**
 * Parses OARS_HTTP_CONNECTORS: a JSON array of `{toolId, url, timeoutMs?, allowPrivateNetwork?}`.
 * A problem names the entry (index and toolId) and the field. URLs are never echoed (they may hold
 * credentials).
 */
export function parseHttpConnectors(raw: string | undefined): HttpConnectorsParse {
  if (raw === undefined || raw.trim() === '') return { ok: true, connectors: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'is not valid JSON (expected an array of {toolId, url, timeoutMs?, allowPrivateNetwork?})' };
  }
  if (!Array.isArray(parsed)) return { ok: false, problem: 'must be a JSON array of {toolId, url, timeoutMs?, allowPrivateNetwork?}' };
  const connectors: HttpConnectorConfig[] = [];
  for (const [i, entry] of parsed.entries()) {
    const result = parseEntry(entry, `entry [${i}]`, connectors);
    if (typeof result === 'string') return { ok: false, problem: result };
    connectors.push(result);
  }
  return { ok: true, connectors };
}

function parseEntry(entry: unknown, at: string, before: HttpConnectorConfig[]): HttpConnectorConfig | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${at} must be an object`;
  const e = entry as Record<string, unknown>;
  const unknown = Object.keys(e).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) return `${at}: unknown field "${unknown}"`;
  if (typeof e.toolId !== 'string' || !TOOL_ID.test(e.toolId)) return `${at}: toolId must match [A-Za-z0-9_.:-]{1,128}`;
  const where = `${at} (toolId "${e.toolId}")`;
  if (before.some((c) => c.toolId === e.toolId)) return `${where}: duplicate toolId`;
  if (typeof e.url !== 'string') return `${where}: url is required`;
  let url: URL;
  try {
    url = new URL(e.url);
  } catch {
    return `${where}: url is not a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${where}: url must use http or https, got "${url.protocol}"`;
  const timeoutMs = e.timeoutMs ?? HTTP_CONNECTOR_DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > HTTP_CONNECTOR_MAX_TIMEOUT_MS) {
    return `${where}: timeoutMs must be an integer between 1 and ${HTTP_CONNECTOR_MAX_TIMEOUT_MS}`;
  }
  const allowPrivateNetwork = e.allowPrivateNetwork ?? false;
  if (typeof allowPrivateNetwork !== 'boolean') return `${where}: allowPrivateNetwork must be true or false`;
  return { toolId: e.toolId, url: url.toString(), timeoutMs, allowPrivateNetwork };
}
