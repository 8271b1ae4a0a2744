import { existsSync, readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import pino from 'pino';
import { loadConfigOrExit } from '@oars/config';
import { createRuntime } from '@oars/runtime';

/**
 * The projector process: follows every tenant stream of the region into the Postgres read models and
 * runs the consumers that live beside it (approval timers, execution, integrity) — the same runtime
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
  const report = setInterval(() => logger.info({ status: runtime.projector?.status() }, 'projector status'), 60_000);
  report.unref();
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    clearInterval(report);
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
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
