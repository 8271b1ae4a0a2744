import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { OarsMetrics } from '@oars/ops';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { AlertDeliveriesController } from './alert-deliveries.controller';
import { AlertRoutingController } from './alert-routing.controller';

/** Alert routing rules and deliveries (docs/alerting.md); the delivery metrics join this process's /metrics. */
@Module({ controllers: [AlertRoutingController, AlertDeliveriesController] })
export class AlertingModule implements OnModuleInit {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly metrics: OarsMetrics,
  ) {}

  onModuleInit(): void {
    this.runtime.alerting.metrics.registerIn(this.metrics.registry);
  }
}
