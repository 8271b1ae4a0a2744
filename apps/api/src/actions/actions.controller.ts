import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { getAction } from '@oars/readmodels';
import { OarsMetrics } from '@oars/ops';
import type { Runtime } from '@oars/runtime';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { SubmitActionAliasesPipe } from './submit-action.aliases';
import { SubmitAction } from './submit-action.command';
import { SubmitActionDto } from './submit-action.dto';
import type { SubmitActionResponse } from './submit-action.response';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export function assertId(kind: string, id: string): void {
  if (!ID_PATTERN.test(id)) throw new ApiError(400, 'invalid_id', `${kind} must match [A-Za-z0-9_-]{1,80}.`);
}

@ApiTags('actions')
@ApiBearerAuth()
@Controller('v1/actions')
export class ActionsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly metrics: OarsMetrics,
  ) {}

  @Post()
  @HttpCode(202)
  @RequireScope('actions:write')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async submit(
    @Body(new SubmitActionAliasesPipe(), createValidationPipe()) body: SubmitActionDto,
    @Caller() caller: Principal,
    @Req() req: FastifyRequest,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<SubmitActionResponse> {
    assertTenantAccess(caller, body.tenantId);
    const userId = body.userContext?.userId;
    if (userId !== undefined && userId !== caller.subject && !caller.scopes.includes('impersonate')) {
      throw new ApiError(403, 'forbidden', 'Token cannot submit actions for another user.');
    }
    const key = idempotencyKey?.trim() || null;
    if (key !== null && key.length > 255) throw new ApiError(400, 'validation_error', 'Idempotency-Key must be at most 255 characters.');
    const { response } = await this.commands.execute(new SubmitAction(body, caller, String(req.id), key));
    this.metrics.actions.inc({ state: response.state });
    return response;
  }

  @Get(':actionId')
  @RequireScope('actions:read')
  async get(@Param('actionId') actionId: string, @Caller() caller: Principal) {
    assertId('actionId', actionId);
    await this.runtime.catchUp(caller.tenantIds);
    const found = await getAction(this.runtime.sql, caller.tenantIds, actionId);
    if (!found) throw notFound('Action');
    return found;
  }
}
