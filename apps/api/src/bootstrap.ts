import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import pino, { type Logger as PinoInstance } from 'pino';
import type { Runtime } from '@oars/runtime';
import { OarsMetrics } from '@oars/ops';
import { AppModule } from './app.module';
import { TokenRegistry } from './auth/token-registry';
import { RateLimiter } from './http/rate-limiter';
import { requestIdOf } from './http/request-id';
import { errorBody } from './http/error-envelope.filter';
import { frameworkErrorsHandler } from './http/framework-errors';
import { installInputGuard } from './http/input-guard';
import { quietStartupLogger } from './http/quiet-startup-logger';

/** Builds the HTTP application over a runtime (used by `main.ts` and by the e2e tests). */
export async function createApp(runtime: Runtime, options: { logger?: boolean; log?: PinoInstance } = {}): Promise<NestFastifyApplication> {
  const { config } = runtime;
  const log = options.log ?? pino({ level: options.logger === false ? 'silent' : config.logLevel, base: { service: 'oars-api' } });
  const tokens = TokenRegistry.fromConfig(config.apiTokensJson, config.devTokensEnabled);
  const metrics = new OarsMetrics({
    appendQueueDepth: () => runtime.writer.queueDepth(),
    projectorLagEvents: () => runtime.projector?.status().lagEvents ?? null,
    ...(runtime.projector ? { appliedBatches: runtime.projector.onApplied.bind(runtime.projector) } : {}),
    ops: runtime.ops, // decisions, SLOs, security events, integrity, saturation gauges
  });
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdOf,
    trustProxy: false,
    frameworkErrors: frameworkErrorsHandler((status, code) => metrics.errors.inc({ status: `${Math.floor(status / 100)}xx`, code })),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ runtime, tokens, metrics, log }), adapter, {
    bufferLogs: true,
    bodyParser: false, // the JSON parser below (Nest would register its own at init)
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(quietStartupLogger(app.get(Logger)));
  const fastify = app.getHttpAdapter().getInstance();
  // An empty body with `content-type: application/json` (clients that always send the header on
  // POST) means "no body", as for routes that take none; anything else must be valid JSON.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('Request body is not valid JSON.'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
  });
  const started = new WeakMap<object, bigint>();
  fastify.addHook('onRequest', async (request) => {
    started.set(request, process.hrtime.bigint());
    metrics.httpInFlight.inc();
  });
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpInFlight.dec();
    // The route pattern (bounded), never the raw URL; unknown routes share one label.
    const route = request.routeOptions?.url ?? 'unmatched';
    const t0 = started.get(request);
    const seconds = t0 === undefined ? null : Number(process.hrtime.bigint() - t0) / 1e9;
    // Operations signals: latency histogram, request counter, availability SLI and the rolling golden signals.
    metrics.observeHttp(request.method, route, reply.statusCode, seconds);
    // The request log: one line per request with its id (never headers, so no credentials).
    if (log.isLevelEnabled('info') && request.url !== '/health' && request.url !== '/metrics') {
      log.info({ requestId: request.id, method: request.method, url: request.url, route, statusCode: reply.statusCode, responseTimeMs: seconds === null ? null : Math.round(seconds * 1e6) / 1e3 }, 'request completed');
    }
  });
  if (config.rateLimitRpm > 0) {
    // Per caller (a valid token's id, else the client address); probes and scrapes are not limited.
    const limiter = new RateLimiter(config.rateLimitRpm);
    const purge = setInterval(() => limiter.purge(), 60_000);
    purge.unref();
    fastify.addHook('onClose', async () => clearInterval(purge));
    fastify.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?', 1)[0];
      if (path === '/health' || path === '/health/ready' || path === '/metrics') return;
      const bearer = tokens.ofRequest(request);
      const principal = typeof bearer === 'object' ? bearer.principal : null;
      const decision = limiter.take(principal ? `token:${principal.tokenId}` : `ip:${request.ip}`);
      reply.header('x-ratelimit-limit', decision.limit);
      reply.header('x-ratelimit-remaining', decision.remaining);
      if (!decision.allowed) {
        metrics.errors.inc({ status: '4xx', code: 'rate_limit_exceeded' });
        return reply
          .status(429)
          .header('retry-after', decision.retryAfterSeconds)
          .header('content-type', 'application/json; charset=utf-8')
          .send(errorBody('rate_limit_exceeded', 'Too many requests. Try again later.', String(request.id)));
      }
    });
  }
  installInputGuard(fastify); // every string of every route, checked once (hostile-input.ts)
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-store');
  });
  if (config.docsEnabled) {
    const doc = new DocumentBuilder()
      .setTitle('OARS API')
      .setDescription('Governs what AI agents do: decisions, signed receipts, verification. Wire-compatible with OARS v1.')
      .setVersion('1')
      .addBearerAuth()
      .build();
    SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs/openapi.json' });
  }
  app.enableShutdownHooks();
  await app.init();
  await fastify.ready();
  return app;
}
