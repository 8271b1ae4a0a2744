import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PLATFORM_STREAM } from '@oars/eventstore';
import { randomId } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { streamOf } from './incident-scope';
import { INCIDENTS_READ_SCOPE } from './incidents.controller';

/** Who is on call is the tenant administrators' to set. */
const ROTATIONS_WRITE_SCOPE = 'tenant_admin:write';
import { AddOverrideDto, OnCallNowQuery, OptionalTenantQuery, SaveRotationDto } from './oncall.dto';

/** On-call rotations of a tenant, or (no tenantId, admins) of the platform (docs/incidents.md). */
@ApiTags('oncall')
@ApiBearerAuth()
@Controller('v1/admin/oncall')
export class OnCallController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('rotations')
  @RequireScope(INCIDENTS_READ_SCOPE)
  async rotations(@Query(createValidationPipe()) query: OptionalTenantQuery, @Caller() caller: Principal) {
    const stream = streamOf(caller, query.tenantId);
    return { tenantId: stream === PLATFORM_STREAM ? null : stream, items: (await this.runtime.oncall.roster(stream)).rotations };
  }

  @Post('rotations')
  @HttpCode(201)
  @RequireScope(ROTATIONS_WRITE_SCOPE)
  saveRotation(@Body(createValidationPipe()) body: SaveRotationDto, @Caller() caller: Principal) {
    const stream = streamOf(caller, body.tenantId);
    const { rotationId, name, members, handoff, startsAt } = body;
    return this.runtime.oncall.saveRotation(stream, { rotationId: rotationId ?? randomId('rot'), name, members, handoff: { every: handoff.every, at: handoff.at, weekday: handoff.weekday ?? null }, startsAt: startsAt ?? null }, caller.subject);
  }

  @Post('rotations/:rotationId/overrides')
  @HttpCode(201)
  @RequireScope(ROTATIONS_WRITE_SCOPE)
  addOverride(@Param('rotationId') rotationId: string, @Body(createValidationPipe()) body: AddOverrideDto, @Caller() caller: Principal) {
    assertId('rotationId', rotationId);
    const stream = streamOf(caller, body.tenantId);
    const { role, userId, from, to, reason } = body;
    return this.runtime.oncall.addOverride(stream, { rotationId, overrideId: randomId('ovr'), role, userId, from, to, reason: reason ?? null }, caller.subject);
  }

  /** Who is primary and secondary now (or `at`), per rotation, and whom an incident of the scope pages. */
  @Get('now')
  @RequireScope(INCIDENTS_READ_SCOPE)
  now(@Query(createValidationPipe()) query: OnCallNowQuery, @Caller() caller: Principal) {
    return this.runtime.oncall.now(streamOf(caller, query.tenantId), query.at ? new Date(query.at) : new Date());
  }
}
