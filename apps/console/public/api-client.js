// Calls the OARS API of this origin. The token travels only in the Authorization header.

/**
 * One answer: `status` 0 means the API could not be reached. `body` is parsed JSON (or text).
 * @typedef {{ status: number, ok: boolean, body: any }} Answer
 */

export function createApiClient(token) {
  async function request(method, path, { auth = true, body } = {}) {
    const headers = { accept: 'application/json, text/plain;q=0.9' };
    if (auth) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit', redirect: 'error' });
    } catch {
      return { status: 0, ok: false, body: null };
    }
    const text = await res.text();
    let parsed = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, ok: res.ok, body: parsed };
  }
  return {
    /** GET `path`; `auth: false` for the unauthenticated endpoints (/metrics, /health). */
    get: (path, { auth = true } = {}) => request('GET', path, { auth }),
    /** POST `body` as JSON to `path` (the console's only write: acknowledging an incident). */
    post: (path, body) => request('POST', path, { body }),
  };
}

/** Why a panel cannot show an answer, in words for the panel. */
export function unavailableReason(answer, what) {
  const message = answer.body?.error?.message;
  // A missing route says nothing the reason does not already say.
  if (answer.status === 404 && /^Route /.test(message ?? '')) return `Not available: ${what} is not offered by this API yet.`;
  if (answer.status === 0) return 'The API could not be reached.';
  if (answer.status === 404) return `Not available: ${what} is not offered by this API yet${message ? ` (${message})` : ''}.`;
  if (answer.status === 401) return 'The API rejected the token (401).';
  if (answer.status === 403) return `Not allowed for this token (403${message ? `: ${message}` : ''}).`;
  return `Not available: ${what} answered ${answer.status}${message ? ` (${message})` : ''}.`;
}
