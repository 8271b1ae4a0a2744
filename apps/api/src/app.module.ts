import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoInstance } from 'pino';
import type { Runtime } from '@oars/runtime';
import { ActionsController } from './actions/actions.controller';
import { AlertsController } from './alerts/alerts.controller';
import { ApprovalsModule } from './approvals/approvals.module';
import { ConsoleModule } from './console/console.module';
import { LedgerModule } from './ledger/ledger.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { OpsModule } from './ops/ops.module';
import { PoliciesModule } from './policies/policies.module';
import { ComplianceModule } from './compliance/compliance.module';
import { AlertingModule } from './alerting/alerting.module';
import { IncidentsModule } from './incidents/incidents.module';
import { SubmitActionHandler } from './actions/submit-action.handler';
import { AuthGuard } from './auth/auth.guard';
import { TokenRegistry } from './auth/token-registry';
import { HealthController } from './health/health.controller';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { KeysController } from './keys/keys.controller';
import { PlatformStreamController } from './keys/platform-stream.controller';
import { MetricsController } from './metrics/metrics.controller';
import { OarsMetrics } from '@oars/ops';
import { ReceiptsController } from './receipts/receipts.controller';
import { RUNTIME } from './runtime.token';
import { TransparencyController } from './transparency/transparency.controller';
import { EvidenceController } from './evidence/evidence.controller';
import { ReceiptProofService } from './transparency/receipt-proof.service';

export interface AppModuleOptions {
  runtime: Runtime;
  tokens: TokenRegistry;
  metrics: OarsMetrics;
  /** The process's pino logger: Nest's own logs, and the request log written by bootstrap's onResponse hook. */
  log: PinoInstance;
}

/** The process runtime and tokens, visible to every feature module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot({ runtime, tokens, metrics }: AppModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: TokenRegistry, useValue: tokens },
        { provide: OarsMetrics, useValue: metrics },
      ],
      exports: [RUNTIME, TokenRegistry, OarsMetrics],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const { runtime } = options;
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        CqrsModule.forRoot(),
        PoliciesModule,
        ComplianceModule,
        AlertingModule,
        IncidentsModule,
        ApprovalsModule,
        LifecycleModule,
        OpsModule,
        LedgerModule,
        ConsoleModule,
        // nestjs-pino for Nest's own logs, but no per-request middleware: pino-http's child logger
        // and the AsyncLocalStorage context it enters put a promise hook on every promise of the
        // process (measured: ~35% of the API's throughput). bootstrap.ts logs each request instead.
        LoggerModule.forRoot({ pinoHttp: { logger: options.log }, forRoutes: [] }),
      ],
      controllers: [HealthController, MetricsController, ActionsController, ReceiptsController, KeysController, PlatformStreamController, AlertsController, TransparencyController, EvidenceController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        SubmitActionHandler,
        ReceiptProofService,
      ],
    };
  }
}
