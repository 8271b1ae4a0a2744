import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OarsConfig } from '@oars/config';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../../apps/api/src/bootstrap';
import { TestHttp } from './http';
import { type StoreMode, createTestRuntime } from './test-runtime';

/** The API on a test runtime (its own namespace), listening on a free port. */
export interface TestApp {
  runtime: Runtime;
  config: OarsConfig;
  app: NestFastifyApplication;
  http: TestHttp;
  /** Closes the app, then the runtime, and removes the namespace. */
  close(): Promise<void>;
}

export async function startTestApp(mode: StoreMode, env: Record<string, string> = {}): Promise<TestApp> {
  const { runtime, config, cleanup } = await createTestRuntime(mode, env);
  const app = await createApp(runtime, { logger: false });
  const http = await TestHttp.listen(app);
  return { runtime, config, app, http, close: () => app.close().then(cleanup) };
}
