import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { once } from 'node:events';
import { PrivateNetworkTargetError, type ResolveAll, isMetadataHostName, publicOnlyLookup, resolvePublicAddresses, systemResolveAll } from '@oars/connectors';
import type { ChannelRequest } from './channel-payloads';
import { retryAfterMs } from './retry-backoff';

export interface ChannelSendOptions {
  timeoutMs: number;
  /** Allow targets in private networks (OARS_ALERT_ALLOW_PRIVATE_NETWORK); else every address is checked. */
  allowPrivateNetwork: boolean;
  /** Aborts the send (shutdown, lease lost): the result is then `aborted` and MUST NOT be recorded. */
  signal?: AbortSignal;
  resolveAll?: ResolveAll;
}

/**
 * What one send came to. `up`: the receiver answered (a refusal included), so it is reachable;
 * `retryable`: a later send may succeed (5xx, 408, 425, 429, timeouts, network errors).
 */
export interface ChannelSendResult {
  ok: boolean;
  statusCode: number | null;
  /** Short and safe to record in a receipt: never the URL, a routing key or a header. */
  error: string | null;
  retryable: boolean;
  up: boolean;
  aborted: boolean;
  retryAfterMs: number | null;
}

const KEEP_ALIVE = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 425, 429]);
const MAX_ERROR_TEXT = 200;

/**
 * POSTs a channel request once, with a bound on the whole exchange and the HTTP connectors' private
 * network guard (`@oars/connectors`: IP literals and metadata names checked first, every resolved
 * address at connect time, so DNS rebinding has no window). 2xx is delivered; redirects are not
 * followed. Never throws.
 */
export async function sendChannelRequest(request: ChannelRequest, options: ChannelSendOptions): Promise<ChannelSendResult> {
  const url = new URL(request.url);
  const resolveAll = options.resolveAll ?? systemResolveAll;
  if (!options.allowPrivateNetwork) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    try {
      if (isIP(host) !== 0 || isMetadataHostName(host)) await resolvePublicAddresses(host, resolveAll);
    } catch (err) {
      return refused(err);
    }
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const secure = url.protocol === 'https:';
  try {
    const req = (secure ? https : http).request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
      agent: secure ? KEEP_ALIVE.https : KEEP_ALIVE.http,
      signal,
      ...(options.allowPrivateNetwork ? {} : { lookup: publicOnlyLookup(resolveAll) }),
    });
    req.end(request.body);
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    const text = await readSome(res);
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return { ok: true, statusCode: status, error: null, retryable: false, up: true, aborted: false, retryAfterMs: null };
    const retryable = status >= 500 || RETRYABLE_STATUS.has(status);
    const error = `HTTP ${status}${text ? `: ${text}` : ''}`;
    return { ok: false, statusCode: status, error, retryable, up: !retryable, aborted: false, retryAfterMs: retryAfterMs(res.headers['retry-after'], Date.now()) };
  } catch (err) {
    if (err instanceof PrivateNetworkTargetError || (err as { cause?: unknown })?.cause instanceof PrivateNetworkTargetError) return refused(err);
    const aborted = options.signal?.aborted === true;
    const error = timeout.aborted && !aborted ? `no answer within ${options.timeoutMs} ms` : `request failed (${codeOf(err)})`;
    return { ok: false, statusCode: null, error, retryable: true, up: false, aborted, retryAfterMs: null };
  }
}

/** The start of an answer's body as one line of printable text (the rest is drained). */
async function readSome(res: http.IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) if (text.length < MAX_ERROR_TEXT) text += (chunk as Buffer).toString('utf8');
  return text.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, MAX_ERROR_TEXT);
}

function refused(err: unknown): ChannelSendResult {
  const reason = err instanceof PrivateNetworkTargetError ? 'the target is in a private network (set OARS_ALERT_ALLOW_PRIVATE_NETWORK=true to allow it)' : `the target cannot be resolved (${codeOf(err)})`;
  return { ok: false, statusCode: null, error: `refused: ${reason}`, retryable: !(err instanceof PrivateNetworkTargetError), up: false, aborted: false, retryAfterMs: null };
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown error';
}
