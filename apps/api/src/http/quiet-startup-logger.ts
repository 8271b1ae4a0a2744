import type { LoggerService } from '@nestjs/common';

/** Nest's own start-up chatter: one line per module, controller and route (about 45 lines). */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Nest's framework `log` lines at debug level instead of info, so the start-up output stays short
 * and the banner `main.ts` prints last is not buried; `LOG_LEVEL=debug` shows them again. Warnings
 * and errors, and every other context, pass through unchanged.
 */
export function quietStartupLogger(inner: LoggerService & { debug(message: unknown, ...rest: unknown[]): void }): LoggerService {
  return {
    log: (message: unknown, ...rest: unknown[]) => {
      const context = rest[rest.length - 1];
      if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) inner.debug(message, ...rest);
      else inner.log(message, ...rest);
    },
    error: (message: unknown, ...rest: unknown[]) => inner.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => inner.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => inner.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => inner.verbose?.(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => (inner.fatal ?? inner.error).call(inner, message, ...rest),
  };
}
