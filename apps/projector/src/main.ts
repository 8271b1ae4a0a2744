import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { setPriority } from 'node:os';
import pino from 'pino';
import { loadConfigOrExit } from '@oars/config';
import { OarsMetrics } from '@oars/ops';
import { type Runtime, createRuntime } from '@oars/runtime';

/**
 * The projector process: follows every tenant stream of the region into the Postgres read models and
 * runs the reactors that live beside it (one ReactorHost: approval timers, connector execution,
 * checkpoints, evidence exports, alert delivery, incidents, governance alerts) and the integrity verifier — the same runtime
 * as the API, without HTTP.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.logLevel, base: { service: 'oars-projector' } });
  // Where it shares a host with the API, catching up the read models yields the CPU to deciding.
  if (config.projectorNice > 0) {
    try {
      lowerPriority(config.projectorNice);
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot lower the projector priority (OARS_PROJECTOR_NICE)');
    }
  }
  const runtime = await createRuntime(config, { runProjector: true, logger });
  logger.info({ eventStore: config.eventStore, region: config.region }, 'projector started');
  const report = setInterval(() => logger.info({ status: runtime.projector?.status(), reactors: runtime.reactors?.statuses() }, 'projector status'), 60_000);
  report.unref();
  const metricsServer = config.projectorMetricsPort > 0 ? await serveMetrics(runtime, config.host, config.projectorMetricsPort) : null;
  if (metricsServer) logger.info({ port: config.projectorMetricsPort }, 'projector metrics at /metrics');
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    clearInterval(report);
    metricsServer?.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * Prometheus `/metrics` of this process: the integrity verifier (failures by kind, lag, receipts
 * re-checked), projection lag and the process signals; `/health` for liveness. Internal network only.
 */
async function serveMetrics(runtime: Runtime, host: string, port: number): Promise<ReturnType<typeof createServer>> {
  const metrics = new OarsMetrics({
    appendQueueDepth: () => runtime.writer.queueDepth(),
    projectorLagEvents: () => runtime.projector?.status().lagEvents ?? null,
    ...(runtime.projector ? { appliedBatches: runtime.projector.onApplied.bind(runtime.projector) } : {}),
    ops: runtime.ops,
  });
  // Alert deliveries run here (the delivery reactor lives beside the projector).
  runtime.alerting.metrics.registerIn(metrics.registry);
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method === 'GET' && path === '/metrics') {
      metrics.render().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
        () => res.writeHead(500).end(),
      );
    } else if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', service: 'oars-projector' }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Only /metrics and /health are served here.' } }));
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return server;
}

/**
 * Linux keeps a nice value per thread: set it on every thread that exists (V8's own included);
 * threads started later inherit it from the thread that starts them.
 */
function lowerPriority(nice: number): void {
  const threads = existsSync('/proc/self/task') ? readdirSync('/proc/self/task').map(Number) : [0];
  for (const tid of threads) setPriority(tid, nice);
}

void main().catch((err) => {
  process.stderr.write(`OARS projector failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
