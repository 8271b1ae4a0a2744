import 'reflect-metadata';
import pino from 'pino';
import { loadConfigOrExit } from '@oars/config';
import { createRuntime } from '@oars/runtime';
import { DEV_TOKENS } from './auth/token-registry';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.logLevel, base: { service: 'oars-api' } });
  const runtime = await createRuntime(config, { logger });
  const app = await createApp(runtime, { log: logger });
  await app.listen(config.port, config.host);
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  logger.info({ url, eventStore: config.eventStore, region: config.region, projector: config.runProjector }, 'OARS API listening');
  if (!config.production || config.devTokensEnabled) {
    // The banner comes last: the log lines written so far reach stdout first.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    process.stdout.write(`\nOARS is running at ${url}  (event store: ${config.eventStore}${config.eventStore === 'embedded' ? `, data in ${config.dataDir}` : ''})\n`);
    process.stdout.write(`API docs: ${url}/docs   Ops console: ${url}/console\n`);
    if (config.devTokensEnabled) {
      process.stdout.write(`Development tokens: ${DEV_TOKENS.map((t) => `${t.token} (${t.role})`).join(', ')}\n\n`);
    }
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main().catch((err) => {
  process.stderr.write(`OARS failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
