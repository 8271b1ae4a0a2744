/** What every outbound alert channel has (an entry of OARS_ALERT_CHANNELS; routing rules name its `id`). */
interface AlertChannelBase {
  id: string;
  /** Sends per minute at most (0: no limit); PagerDuty's is per routing key, shared by its channels. */
  rateLimitPerMinute: number;
  /** Consecutive failed sends that open the channel's circuit breaker (0: no breaker); null: OARS_ALERT_BREAKER_FAILURES. */
  breakerFailures: number | null;
}

export interface SlackWebhookChannel extends AlertChannelBase {
  type: 'slack_webhook';
  url: string;
}

export interface PagerDutyChannel extends AlertChannelBase {
  type: 'pagerduty_events_v2';
  routingKey: string;
  source: string | null;
}

export interface GenericWebhookChannel extends AlertChannelBase {
  type: 'generic_webhook';
  url: string;
  headers: Record<string, string>;
}

export type AlertChannelConfig = SlackWebhookChannel | PagerDutyChannel | GenericWebhookChannel;
export type AlertChannelType = AlertChannelConfig['type'];

/** Outbound alert delivery: the channels, and how hard and how fast OARS tries them. */
export interface AlertDeliveryConfig {
  channels: AlertChannelConfig[];
  /** PagerDuty Events API v2 endpoint (OARS_PAGERDUTY_EVENTS_URL). */
  pagerDutyEventsUrl: string;
  /** Allow channel URLs in private networks (loopback, RFC 1918, link-local); off by default. */
  allowPrivateNetwork: boolean;
  /** Counted tries of one delivery before it is dead-lettered. */
  maxAttempts: number;
  /** First retry delay; doubled per try up to `maxBackoffMs`, half of it random (jitter). */
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** Upper bound of one send (connect, answer, body). */
  timeoutMs: number;
  /** Consecutive failed sends that open a channel's circuit breaker (a channel may set its own). */
  breakerFailures: number;
  /** How long an open breaker waits before one probe send; doubled per failed probe up to `maxBackoffMs`. */
  breakerCooldownMs: number;
  /** Sends in flight at a time, all channels. */
  concurrency: number;
}

export const ALERT_CHANNEL_TYPES: readonly AlertChannelType[] = ['slack_webhook', 'pagerduty_events_v2', 'generic_webhook'];
/** The channel OARS_ALERT_WEBHOOK_URL (OARS v1's single webhook) becomes. */
export const LEGACY_ALERT_WEBHOOK_ID = 'legacy_alert_webhook';
export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
/** Sends per minute by type: PagerDuty's documented 120 events a minute per routing key, Slack's one message a second per webhook. */
export const DEFAULT_CHANNEL_RATE_LIMITS: Readonly<Record<AlertChannelType, number>> = { pagerduty_events_v2: 120, slack_webhook: 60, generic_webhook: 0 };

const CHANNEL_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
/** Headers the HTTP client sets itself: a channel may not replace them. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['content-length', 'host', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);
const COMMON_FIELDS = ['id', 'type', 'enabled', 'rateLimitPerMinute', 'breakerFailures'];
const FIELDS: Readonly<Record<AlertChannelType, ReadonlySet<string>>> = {
  slack_webhook: new Set([...COMMON_FIELDS, 'url']),
  pagerduty_events_v2: new Set([...COMMON_FIELDS, 'routingKey', 'source']),
  generic_webhook: new Set([...COMMON_FIELDS, 'url', 'headers']),
};

export type AlertChannelsParse = { ok: true; channels: AlertChannelConfig[] } | { ok: false; variable: string; problem: string };

/**
 * Parses OARS_ALERT_CHANNELS (a JSON array of channels) and the legacy OARS_ALERT_WEBHOOK_URL (a
 * `generic_webhook` named `legacy_alert_webhook`). Where OARS v1 dropped an invalid entry silently,
 * this refuses the configuration with the entry (index and id) and the field; `enabled: false`
 * leaves a valid entry out. URLs, routing keys and header values are never echoed (they are secrets).
 */
export function parseAlertChannels(channelsJson: string | undefined, legacyWebhookUrl: string | undefined): AlertChannelsParse {
  const variable = 'OARS_ALERT_CHANNELS';
  const channels: AlertChannelConfig[] = [];
  const ids = new Set<string>();
  if (channelsJson !== undefined && channelsJson.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(channelsJson);
    } catch {
      return { ok: false, variable, problem: 'is not valid JSON (expected an array of channels)' };
    }
    if (!Array.isArray(parsed)) return { ok: false, variable, problem: 'must be a JSON array of channels ({id, type, ...})' };
    for (const [i, entry] of parsed.entries()) {
      const result = channelOf(entry, `entry [${i}]`, ids);
      if (typeof result === 'string') return { ok: false, variable, problem: result };
      if (result) channels.push(result);
    }
  }
  if (legacyWebhookUrl !== undefined && legacyWebhookUrl.trim() !== '') {
    if (!isHttpUrl(legacyWebhookUrl)) return { ok: false, variable: 'OARS_ALERT_WEBHOOK_URL', problem: 'must be an http or https URL' };
    if (ids.has(LEGACY_ALERT_WEBHOOK_ID)) return { ok: false, variable, problem: `names a channel "${LEGACY_ALERT_WEBHOOK_ID}", the id OARS_ALERT_WEBHOOK_URL takes` };
    channels.push({ id: LEGACY_ALERT_WEBHOOK_ID, type: 'generic_webhook', url: new URL(legacyWebhookUrl).toString(), headers: {}, rateLimitPerMinute: 0, breakerFailures: null });
  }
  return { ok: true, channels };
}

/** The channel, null for a valid one left out (`enabled: false`), or the problem. */
function channelOf(entry: unknown, at: string, ids: Set<string>): AlertChannelConfig | null | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${at} must be an object`;
  const e = entry as Record<string, unknown>;
  if (typeof e.id !== 'string' || !CHANNEL_ID.test(e.id)) return `${at}: id must match [A-Za-z0-9_.:-]{1,64}`;
  const where = `${at} (id "${e.id}")`;
  if (ids.has(e.id)) return `${where}: duplicate id`;
  ids.add(e.id);
  const type = e.type as AlertChannelType;
  if (!ALERT_CHANNEL_TYPES.includes(type)) return `${where}: type must be one of ${ALERT_CHANNEL_TYPES.join(', ')}`;
  const unknown = Object.keys(e).find((k) => !FIELDS[type].has(k));
  if (unknown !== undefined) return `${where}: unknown field "${unknown}" for ${type}`;
  if (e.enabled !== undefined && typeof e.enabled !== 'boolean') return `${where}: enabled must be true or false`;
  const rateLimitPerMinute = e.rateLimitPerMinute ?? DEFAULT_CHANNEL_RATE_LIMITS[type];
  if (!isIntIn(rateLimitPerMinute, 0, 1_000_000)) return `${where}: rateLimitPerMinute must be an integer between 0 and 1000000`;
  const breakerFailures = e.breakerFailures ?? null;
  if (breakerFailures !== null && !isIntIn(breakerFailures, 0, 1000)) return `${where}: breakerFailures must be an integer between 0 and 1000`;
  const base = { id: e.id, rateLimitPerMinute: rateLimitPerMinute as number, breakerFailures: breakerFailures as number | null };
  const channel = typedChannel(type, e, base, where);
  if (typeof channel === 'string') return channel;
  return e.enabled === false ? null : channel;
}

function typedChannel(type: AlertChannelType, e: Record<string, unknown>, base: AlertChannelBase, where: string): AlertChannelConfig | string {
  if (type === 'pagerduty_events_v2') {
    if (typeof e.routingKey !== 'string' || e.routingKey.trim() === '' || e.routingKey.length > 128) return `${where}: routingKey must be a non-empty string of at most 128 characters`;
    if (e.source !== undefined && (typeof e.source !== 'string' || e.source.trim() === '' || e.source.length > 255)) return `${where}: source must be a non-empty string of at most 255 characters`;
    return { ...base, type, routingKey: e.routingKey, source: (e.source as string | undefined) ?? null };
  }
  if (typeof e.url !== 'string') return `${where}: url is required`;
  if (!isHttpUrl(e.url)) return `${where}: url must be an http or https URL`;
  const url = new URL(e.url).toString();
  if (type === 'slack_webhook') return { ...base, type, url };
  const headers = headersOf(e.headers, where);
  return typeof headers === 'string' ? headers : { ...base, type, url, headers };
}

function headersOf(value: unknown, where: string): Record<string, string> | string {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${where}: headers must be an object of header names to string values`;
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!HEADER_NAME.test(name)) return `${where}: headers has an invalid header name`;
    if (RESERVED_HEADERS.has(name.toLowerCase())) return `${where}: headers.${name} is set by OARS and cannot be configured`;
    if (typeof v !== 'string' || /[\r\n\0]/.test(v) || v.length > 4096) return `${where}: headers.${name} must be a string of at most 4096 characters without CR, LF or NUL`;
    headers[name.toLowerCase()] = v;
  }
  return headers;
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isIntIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}
