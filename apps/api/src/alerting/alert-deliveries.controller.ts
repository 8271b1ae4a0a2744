import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AlertDeliveryRecord } from '@oars/domain';
import { type AlertDeliveryPage, alertDeliveryTenants, listAlertDeliveries } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { ListAlertDeliveriesQuery, ReplayAlertDeliveryDto } from './alerting.dto';

/** Alert deliveries (docs/alerting.md): the list (`status=dead`: the dead letters) and replay. */
@ApiTags('alerting')
@ApiBearerAuth()
@Controller('v1/admin/ops/alert-deliveries')
export class AlertDeliveriesController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /** Newest first, from the deliveries read model, with a cursor. */
  @Get()
  @RequireScope('alerts:read')
  async list(@Query(createValidationPipe()) query: ListAlertDeliveriesQuery, @Caller() caller: Principal): Promise<AlertDeliveryPage> {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    const { tenantId, status, alertId, channelId, limit, cursor } = query;
    return listAlertDeliveries(this.runtime.sql, { tenantId, status, alertId, channelId, limit: limit ?? 100, cursor });
  }

  /**
   * Sends a failed or dead delivery again from its first try (`alert.delivery_replayed`); 202, the
   * delivery answered pending. 404 for a delivery outside the caller's tenants, 409 for one delivered
   * or still pending.
   */
  @Post(':deliveryId/replay')
  @HttpCode(202)
  @RequireScope('alerts:write', 'admin')
  async replay(@Param('deliveryId') deliveryId: string, @Body(createValidationPipe()) body: ReplayAlertDeliveryDto, @Caller() caller: Principal, @Req() req: FastifyRequest): Promise<AlertDeliveryRecord> {
    assertId('deliveryId', deliveryId);
    let tenantId = body.tenantId;
    if (tenantId) assertTenantAccess(caller, tenantId);
    else {
      const tenants = await alertDeliveryTenants(this.runtime.sql, deliveryId, caller.tenantIds);
      if (tenants.length !== 1) throw notFound('Alert delivery');
      tenantId = tenants[0]!;
    }
    return this.runtime.alerting.deliveries.replay(tenantId, deliveryId, caller.subject, String(req.id));
  }
}
