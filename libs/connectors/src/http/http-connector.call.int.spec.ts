import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpConnectorConfig } from '@oars/config';
import { hashCanonical } from '@oars/receipts';
import { callHttpConnector } from './http-connector.call';

interface Captured {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

describe('callHttpConnector against a real local endpoint', () => {
  let server: Server;
  let port: number;
  const captured: Captured[] = [];
  const hanging: ServerResponse[] = [];
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/ok': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ticket: 'T-1', nested: { b: 2, a: 1 } })),
    '/500': (res) => res.writeHead(500).end('{"error":"boom"}'),
    '/text': (res) => res.writeHead(200).end('done'),
    '/array': (res) => res.writeHead(200).end('[1,2]'),
    '/redirect': (res) => res.writeHead(302, { location: '/ok' }).end(),
    '/big': (res) => res.writeHead(200).end(JSON.stringify({ blob: 'x'.repeat(4096) })),
    '/hang': (res) => void hanging.push(res),
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        captured.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
        (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    hanging.forEach((res) => res.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  const connector = (path: string, extra: Partial<HttpConnectorConfig> = {}): HttpConnectorConfig => ({
    toolId: 'crm', url: `http://127.0.0.1:${port}${path}`, timeoutMs: 5000, allowPrivateNetwork: true, ...extra,
  });
  const request = (actionId: string) => ({ actionId, tenantId: 't1', toolId: 'crm', operation: 'create', target: 'account:1', input: { name: 'Ada' } });
  const callsFor = (actionId: string) => captured.filter((c) => (c.body as { actionId: string }).actionId === actionId);

  it('POSTs the action as JSON with the action id as Idempotency-Key; a 2xx JSON object is the output', async () => {
    const outcome = await callHttpConnector(connector('/ok'), request('act_ok'));
    expect(outcome).toEqual({ status: 'executed', output: { ticket: 'T-1', nested: { a: 1, b: 2 } }, outputHash: hashCanonical({ ticket: 'T-1', nested: { a: 1, b: 2 } }) });
    const [call] = callsFor('act_ok');
    expect(call!.headers).toMatchObject({ 'idempotency-key': 'act_ok', 'content-type': 'application/json' });
    expect(call!.body).toEqual(request('act_ok'));
  });

  it.each([
    ['/500', 'answered HTTP 500.'],
    ['/text', 'answered 2xx with a body that is not JSON.'],
    ['/array', 'answered 2xx with a body that is not a JSON object.'],
    ['/redirect', 'answered HTTP 302.'],
  ])('fails on %s, naming the tool and the reason', async (path, why) => {
    await expect(callHttpConnector(connector(path), request(`act${path.replace('/', '_')}`))).resolves.toEqual({ status: 'failed', error: `HTTP connector "crm" ${why}` });
  });

  it('fails an answer above the size limit, and a connector that does not answer in time', async () => {
    await expect(callHttpConnector(connector('/big'), request('act_big'), { maxResponseBytes: 1024 })).resolves.toEqual({ status: 'failed', error: 'HTTP connector "crm" answer is larger than 1024 bytes.' });
    await expect(callHttpConnector(connector('/hang', { timeoutMs: 200 }), request('act_hang'))).resolves.toEqual({ status: 'failed', error: 'HTTP connector "crm" did not answer within 200 ms.' });
  });

  it('fails a refused connection with its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(callHttpConnector({ ...connector('/ok'), url: `http://127.0.0.1:${unused}/` }, request('act_refused'))).resolves.toEqual({
      status: 'failed',
      error: 'HTTP connector "crm" request failed (ECONNREFUSED).',
    });
  });

  it('refuses private targets unless allowed, without contacting them (IP literal and a name resolving to loopback)', async () => {
    const literal = await callHttpConnector(connector('/ok', { allowPrivateNetwork: false }), request('act_private_literal'));
    expect(literal).toEqual({ status: 'failed', error: 'HTTP connector "crm" target refused: 127.0.0.1 is a private network address (set allowPrivateNetwork to allow it).' });
    const named = await callHttpConnector({ ...connector('/ok', { allowPrivateNetwork: false }), url: `http://localhost:${port}/ok` }, request('act_private_name'));
    expect(named).toMatchObject({ status: 'failed', error: expect.stringMatching(/^HTTP connector "crm" target refused: localhost resolves to (127\.0\.0\.1|::1), a private network address/) });
    expect(callsFor('act_private_literal')).toHaveLength(0);
    expect(callsFor('act_private_name')).toHaveLength(0);
  });

  it('gives up at once when aborted', async () => {
    const abort = new AbortController();
    const pending = callHttpConnector(connector('/hang', { timeoutMs: 30_000 }), request('act_abort'), { signal: abort.signal });
    abort.abort();
    await expect(pending).resolves.toEqual({ status: 'failed', error: 'HTTP connector "crm" call was aborted (shutdown).' });
  });
});
