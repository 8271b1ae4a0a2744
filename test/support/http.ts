import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny HTTP client for e2e tests: real requests to the app listening on a loopback port. */
export class TestHttp {
  constructor(readonly baseUrl: string) {}

  static async listen(app: NestFastifyApplication): Promise<TestHttp> {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return new TestHttp(`http://127.0.0.1:${address.port}`);
  }

  async request<T = any>(method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, token?: string) {
    return this.request<T>('GET', path, { token });
  }

  post<T = any>(path: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.request<T>('POST', path, { token, body, headers });
  }
}

export const ADMIN = 'dev_admin_token';
export const OPERATOR = 'dev_operator_token';
export const AUDITOR = 'dev_auditor_token';

export function actionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenantId: 'tenant_alpha',
    agentId: 'agent_e2e',
    resource: { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' },
    input: { summary: 'Rotate the staging credentials' },
    ...overrides,
  };
}
