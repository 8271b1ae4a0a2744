import pino from 'pino';
import { loadConfigOrExit } from '@oars/config';
import { Projector } from '@oars/readmodels';
import { openStores } from '@oars/runtime';

/** The projector process: follows every tenant stream of the region into the Postgres read models. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.logLevel, base: { service: 'oars-projector' } });
  const stores = await openStores(config);
  const projector = new Projector({ store: stores.store, sql: stores.sql, logger });
  await projector.start();
  logger.info({ eventStore: config.eventStore, region: config.region }, 'projector started');
  const report = setInterval(() => logger.info({ status: projector.status() }, 'projector status'), 60_000);
  report.unref();
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    clearInterval(report);
    await projector.stop();
    await stores.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main().catch((err) => {
  process.stderr.write(`OARS projector failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
