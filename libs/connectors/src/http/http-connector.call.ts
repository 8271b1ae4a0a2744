import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { HttpConnectorConfig } from '@oars/config';
import type { ExecutionOutcome } from '@oars/domain';
import { hashCanonical } from '@oars/receipts';
import { PrivateNetworkTargetError, isMetadataHostName } from './private-network';
import { type ResolveAll, publicOnlyLookup, resolvePublicAddresses, systemResolveAll } from './public-lookup';

/** The JSON body OARS POSTs to a connector endpoint. */
export interface HttpConnectorRequest {
  actionId: string;
  tenantId: string;
  toolId: string;
  operation: string;
  target: string;
  input: Record<string, unknown>;
}

export interface HttpConnectorCallOptions {
  resolveAll?: ResolveAll;
  /** Aborts the call (process shutdown); the outcome is then `failed` and MUST NOT be recorded. */
  signal?: AbortSignal;
  /** Larger answers fail the call (default 1 MiB). */
  maxResponseBytes?: number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

/**
 * Calls a connector once: `POST url` with the request as JSON and `Idempotency-Key: <actionId>`
 * (a re-call after a crash carries the same key). A 2xx answer with a JSON object body is the
 * output (`outputHash` = its canonical hash); anything else — another status, another body, a
 * refused private target, a network error, no complete answer within `timeoutMs` — is `failed` with
 * a message naming the tool and the reason. Never throws; redirects are not followed.
 */
export async function callHttpConnector(connector: HttpConnectorConfig, request: HttpConnectorRequest, options: HttpConnectorCallOptions = {}): Promise<ExecutionOutcome> {
  const name = `HTTP connector "${connector.toolId}"`;
  const failed = (why: string): ExecutionOutcome => ({ status: 'failed', error: `${name} ${why}` });
  const url = new URL(connector.url);
  const resolveAll = options.resolveAll ?? systemResolveAll;
  if (!connector.allowPrivateNetwork) {
    try {
      // IP literals never reach `lookup`: check them (and metadata names) here; other names are checked on connect.
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) !== 0 || isMetadataHostName(host)) await resolvePublicAddresses(host, resolveAll);
    } catch (err) {
      return failed(refusal(err));
    }
  }
  const body = JSON.stringify(request);
  const client = url.protocol === 'https:' ? https : http;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  return new Promise<ExecutionOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: ExecutionOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish(failed('call was aborted (shutdown).'));
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': request.actionId, 'content-length': Buffer.byteLength(body) },
        ...(connector.allowPrivateNetwork ? {} : { lookup: publicOnlyLookup(resolveAll) }),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          res.resume();
          finish(failed(`answered HTTP ${status}.`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) finish(failed(`answer is larger than ${maxBytes} bytes.`));
          else chunks.push(chunk);
        });
        res.on('error', (err) => finish(failed(`answer was cut off (${codeOf(err)}).`)));
        res.on('end', () => finish(outputOf(Buffer.concat(chunks).toString('utf8'), failed)));
      },
    );
    const timer = setTimeout(() => finish(failed(`did not answer within ${connector.timeoutMs} ms.`)), connector.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(failed(err instanceof PrivateNetworkTargetError ? refusal(err) : `request failed (${codeOf(err)}).`)));
    req.end(body);
  });
}

function outputOf(text: string, failed: (why: string) => ExecutionOutcome): ExecutionOutcome {
  let output: unknown;
  try {
    output = JSON.parse(text);
  } catch {
    return failed('answered 2xx with a body that is not JSON.');
  }
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return failed('answered 2xx with a body that is not a JSON object.');
  return { status: 'executed', output: output as Record<string, unknown>, outputHash: hashCanonical(output) };
}

function refusal(err: unknown): string {
  if (err instanceof PrivateNetworkTargetError) return `target refused: ${err.message} (set allowPrivateNetwork to allow it).`;
  return `target cannot be resolved (${codeOf(err)}).`;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message : 'unknown error';
}
