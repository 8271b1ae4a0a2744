import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { IncidentState } from '@oars/domain';
import { getIncident, listIncidents } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { incidentView, readableStreams, streamOf } from './incident-scope';
import { ChangeCorrectiveActionDto, CloseIncidentDto, DeclareIncidentDto, IncidentUpdateDto, ListIncidentsQuery, OptionalTenantBody, PreserveEvidenceDto, ResolveIncidentDto } from './incidents.dto';

/** Reads need what reading alerts needs; writes are a tenant administrator's (admins by default). */
export const INCIDENTS_READ_SCOPE = 'alerts:read';
/** On-call operators declare, acknowledge, update and resolve incidents (v1 had no incidents; a new scope). */
export const INCIDENTS_WRITE_SCOPE = 'incidents:write';

/** Incidents and incident command (docs/incidents.md). Writes answer the incident as stored; another tenant's incident is 404. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @RequireScope(INCIDENTS_READ_SCOPE)
  async list(@Query(createValidationPipe()) query: ListIncidentsQuery, @Caller() caller: Principal) {
    if (query.tenantId !== undefined) assertTenantAccess(caller, query.tenantId);
    const tenantIds = query.tenantId !== undefined ? [query.tenantId] : readableStreams(caller);
    await this.runtime.catchUp(tenantIds);
    const page = await listIncidents(this.runtime.sql, { tenantIds, status: query.status, severity: query.severity, limit: query.limit ?? 100, cursor: query.cursor });
    return { items: page.items.map(incidentView), nextCursor: page.nextCursor, acknowledgement: page.acknowledgement };
  }

  @Get(':incidentId')
  @RequireScope(INCIDENTS_READ_SCOPE)
  async get(@Param('incidentId') incidentId: string, @Caller() caller: Principal) {
    assertId('incidentId', incidentId);
    const tenantIds = readableStreams(caller);
    await this.runtime.catchUp(tenantIds);
    const found = await getIncident(this.runtime.sql, tenantIds, incidentId);
    if (!found) throw notFound('Incident');
    return { ...incidentView(found.incident), timeline: found.timeline };
  }

  @Post()
  @HttpCode(201)
  @RequireScope(INCIDENTS_WRITE_SCOPE)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a declaration retried with the same key finds the same incident' })
  async declare(@Body(createValidationPipe()) body: DeclareIncidentDto, @Caller() caller: Principal, @Headers('idempotency-key') idempotencyKey?: string) {
    const stream = streamOf(caller, body.tenantId);
    const key = idempotencyKey?.trim() || null;
    if (key !== null && key.length > 255) throw new ApiError(400, 'validation_error', 'Idempotency-Key must be at most 255 characters.');
    const input = { severity: body.severity ?? null, commander: body.commander, summary: body.summary ?? null, fromAlertId: body.fromAlertId ?? null };
    return incidentView(await this.runtime.incidents.declare(stream, input, caller.subject, new Date(), key));
  }

  @Post(':incidentId/acknowledge')
  @HttpCode(200)
  @RequireScope(INCIDENTS_WRITE_SCOPE)
  acknowledge(@Param('incidentId') incidentId: string, @Body(createValidationPipe()) body: OptionalTenantBody, @Caller() caller: Principal) {
    return this.write(incidentId, body, caller, (stream) => this.runtime.incidents.acknowledge(stream, incidentId, caller.subject));
  }

  @Post(':incidentId/updates')
  @HttpCode(201)
  @RequireScope(INCIDENTS_WRITE_SCOPE)
  update(@Param('incidentId') incidentId: string, @Body(createValidationPipe()) body: IncidentUpdateDto, @Caller() caller: Principal) {
    return this.write(incidentId, body, caller, (stream) => this.runtime.incidents.postUpdate(stream, incidentId, { message: body.message, stage: body.stage ?? null }, caller.subject));
  }

  @Post(':incidentId/preserve-evidence')
  @HttpCode(201)
  @RequireScope(INCIDENTS_WRITE_SCOPE)
  preserveEvidence(@Param('incidentId') incidentId: string, @Body(createValidationPipe()) body: PreserveEvidenceDto, @Caller() caller: Principal) {
    for (const tenantId of body.tenantIds) assertTenantAccess(caller, tenantId);
    return this.write(incidentId, body, caller, (stream) => this.runtime.incidents.preserveEvidence(stream, incidentId, body.tenantIds, caller.subject));
  }

  @Post(':incidentId/resolve')
  @HttpCode(200)
  @RequireScope(INCIDENTS_WRITE_SCOPE)
  resolve(@Param('incidentId') incidentId: string, @Body(createValidationPipe()) body: ResolveIncidentDto, @Caller() caller: Principal) {
    return this.write(incidentId, body, caller, (stream) => this.runtime.incidents.resolve(stream, incidentId, body.resolution ?? null, caller.subject));
  }

  @Post(':incidentId/close')
  @HttpCode(200)
  @RequireScope(INCIDENTS_WRITE_SCOPE)
  close(@Param('incidentId') incidentId: string, @Body(createValidationPipe()) body: CloseIncidentDto, @Caller() caller: Principal) {
    const rca = { summary: body.rca.summary, rootCause: body.rca.rootCause, impact: body.rca.impact ?? null };
    const correctiveActions = body.correctiveActions.map((a) => ({ description: a.description, owner: a.owner, dueDate: a.dueDate, status: a.status ?? 'open' }));
    return this.write(incidentId, body, caller, (stream) => this.runtime.incidents.close(stream, incidentId, { rca, correctiveActions }, caller.subject));
  }

  @Post(':incidentId/corrective-actions/:correctiveActionId')
  @HttpCode(200)
  @RequireScope(INCIDENTS_WRITE_SCOPE)
  changeCorrectiveAction(@Param('incidentId') incidentId: string, @Param('correctiveActionId') correctiveActionId: string, @Body(createValidationPipe()) body: ChangeCorrectiveActionDto, @Caller() caller: Principal) {
    assertId('correctiveActionId', correctiveActionId);
    return this.write(incidentId, body, caller, (stream) => this.runtime.incidents.changeCorrectiveAction(stream, incidentId, correctiveActionId, body.status, caller.subject));
  }

  private async write(incidentId: string, body: OptionalTenantBody, caller: Principal, run: (stream: string) => Promise<IncidentState>) {
    assertId('incidentId', incidentId);
    return incidentView(await run(streamOf(caller, body.tenantId)));
  }
}
