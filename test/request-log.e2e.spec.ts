import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, TestHttp, actionBody } from './support/http';
import { createTestRuntime } from './support/test-runtime';

describe('the request log', () => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let cleanup: () => Promise<void>;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const t = await createTestRuntime('embedded');
    cleanup = t.cleanup;
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await createApp(t.runtime, { log: pino({ level: 'info' }, sink) });
    http = await TestHttp.listen(app);
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  const completed = (requestId: string) => lines.filter((l) => l.msg === 'request completed' && l.requestId === requestId);

  it('writes one structured line per request with its request id, status and duration, and never the credentials', async () => {
    const ok = await http.post('/v1/actions', actionBody(), ADMIN, { 'x-request-id': 'req-log-check-1' });
    expect(ok.status).toBe(202);
    const bad = await http.post('/v1/actions', { tenantId: 'tenant_alpha' }, ADMIN, { 'x-request-id': 'req-log-check-2' });
    expect(bad.status).toBe(400);
    const generated = await http.get('/v1/receipts?tenantId=tenant_alpha', ADMIN);
    const generatedId = generated.headers.get('x-request-id')!;
    await new Promise((resolve) => setImmediate(resolve));
    expect(completed('req-log-check-1')).toEqual([
      expect.objectContaining({ level: 30, method: 'POST', url: '/v1/actions', route: '/v1/actions', statusCode: 202, responseTimeMs: expect.any(Number) }),
    ]);
    expect(completed('req-log-check-2')).toEqual([expect.objectContaining({ statusCode: 400 })]);
    expect(completed(generatedId)).toEqual([expect.objectContaining({ method: 'GET', statusCode: 200 })]);
    expect(JSON.stringify(lines)).not.toContain(ADMIN);
  });

  it('leaves probes out', async () => {
    const health = await http.get('/health');
    expect(health.status).toBe(200);
    const id = health.headers.get('x-request-id')!;
    await new Promise((resolve) => setImmediate(resolve));
    expect(completed(id)).toEqual([]);
  });
});
