import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, OPERATOR, TestHttp } from './support/http';
import { createTestRuntime } from './support/test-runtime';

describe('rate limiting (OARS_RATE_LIMIT_RPM)', () => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime('embedded', { OARS_RATE_LIMIT_RPM: '5' });
    cleanup = t.cleanup;
    app = await createApp(t.runtime, { logger: false });
    http = await TestHttp.listen(app);
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  const receipts = (token?: string) => http.get('/v1/receipts?tenantId=tenant_alpha', token);

  it('gives each caller its per-minute budget, then 429 in the error envelope with Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await receipts(ADMIN);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(4 - i));
    }
    const limited = await http.request('GET', '/v1/receipts?tenantId=tenant_alpha', { token: ADMIN, headers: { 'x-request-id': 'req-limited-1' } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: { code: 'rate_limit_exceeded', message: 'Too many requests. Try again later.', requestId: 'req-limited-1' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-request-id')).toBe('req-limited-1');
    // Another token has its own budget; probes are never limited.
    expect((await receipts(OPERATOR)).status).toBe(200);
    expect((await http.get('/health')).status).toBe(200);
    expect((await http.get('/health/ready')).status).toBe(200);
  });

  it('keys unknown tokens by client address, so inventing tokens does not escape the limit', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 7; i++) answers.push((await receipts(`made_up_token_${i}`)).status);
    expect(answers.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.slice(5)).toEqual([429, 429]);
  });
});
