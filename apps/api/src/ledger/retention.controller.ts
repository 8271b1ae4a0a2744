import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { RetentionSnapshot } from '@oars/domain';
import { randomId } from '@oars/ledger';
import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { TenantQuery } from '../ops/ops-queries.dto';
import { RUNTIME } from '../runtime.token';
import { ApplyRetentionDto, PlaceHoldDto, ReleaseHoldDto, SetRetentionDto } from './retention.dto';

/** The v1 `LedgerRetentionPolicyRecord`, plus the holds and the last prune. */
function recordOf(tenantId: string, snapshot: RetentionSnapshot, receipt: Receipt | null) {
  const { policy } = snapshot;
  return {
    id: receipt ? `rtn_${receipt.receiptId.slice(5)}` : 'default_retention_policy',
    tenantId,
    retentionDays: policy.retentionDays,
    legalHold: policy.legalHold,
    reason: policy.reason,
    updatedAt: policy.updatedAt ?? new Date().toISOString(),
    updatedBy: policy.updatedBy,
    holds: snapshot.holds,
    lastPrune: snapshot.lastPrune ? { ...snapshot.lastPrune, keyring: undefined, frontier: undefined } : null,
  };
}

/** Retention of the tenant streams and legal holds (OARS v1 #44-46; docs/retention.md). */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/admin/ledger')
export class RetentionController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('retention')
  @RequireScope('ledger:read')
  async get(@Query(createValidationPipe()) query: TenantQuery, @Caller() caller: Principal) {
    assertTenantAccess(caller, query.tenantId);
    const { snapshot, receipt } = await this.runtime.retention.state(query.tenantId);
    return recordOf(query.tenantId, snapshot, receipt);
  }

  @Post('retention')
  @HttpCode(200)
  @RequireScope('ledger:write', 'admin')
  async set(@Body(createValidationPipe()) body: SetRetentionDto, @Caller() caller: Principal) {
    assertTenantAccess(caller, body.tenantId);
    await this.runtime.retention.setPolicy(body.tenantId, { retentionDays: body.retentionDays, legalHold: body.legalHold, reason: body.reason ?? null }, caller.subject);
    const { snapshot, receipt } = await this.runtime.retention.state(body.tenantId);
    return recordOf(body.tenantId, snapshot, receipt);
  }

  @Post('retention/apply')
  @HttpCode(200)
  @RequireScope('ledger:write', 'admin')
  async apply(@Body(createValidationPipe()) body: ApplyRetentionDto, @Caller() caller: Principal) {
    assertTenantAccess(caller, body.tenantId);
    return this.runtime.retention.apply(body.tenantId, caller.subject);
  }

  @Get('holds')
  @RequireScope('ledger:read')
  async holds(@Query(createValidationPipe()) query: TenantQuery, @Caller() caller: Principal) {
    assertTenantAccess(caller, query.tenantId);
    return { tenantId: query.tenantId, items: (await this.runtime.retention.state(query.tenantId)).snapshot.holds };
  }

  @Post('holds')
  @HttpCode(201)
  @RequireScope('ledger:write', 'admin')
  async placeHold(@Body(createValidationPipe()) body: PlaceHoldDto, @Caller() caller: Principal) {
    assertTenantAccess(caller, body.tenantId);
    const holdId = randomId('hold');
    const snapshot = await this.runtime.retention.placeHold(body.tenantId, { holdId, reason: body.reason, incidentId: body.incidentId ?? null }, caller.subject);
    return snapshot.holds.find((h) => h.holdId === holdId);
  }

  @Post('holds/:holdId/release')
  @HttpCode(200)
  @RequireScope('ledger:write', 'admin')
  async releaseHold(@Param('holdId') holdId: string, @Body(createValidationPipe()) body: ReleaseHoldDto, @Caller() caller: Principal) {
    assertId('holdId', holdId);
    assertTenantAccess(caller, body.tenantId);
    const snapshot = await this.runtime.retention.releaseHold(body.tenantId, holdId, caller.subject);
    return { tenantId: body.tenantId, released: holdId, holds: snapshot.holds };
  }
}
