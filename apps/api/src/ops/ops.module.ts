import { Module } from '@nestjs/common';
import { MtlsController } from './mtls.controller';
import { OpsController } from './ops.controller';
import { OpsDashboardService } from './ops-dashboard.service';
import { SecurityEventsController } from './security-events.controller';

/**
 * Operations: the ops dashboard, SLOs, integrity status, security events and mTLS status.
 * The signals themselves live in `runtime.ops` (libs/ops) and are exposed at /metrics by OarsMetrics.
 */
@Module({
  controllers: [OpsController, SecurityEventsController, MtlsController],
  providers: [OpsDashboardService],
})
export class OpsModule {}
