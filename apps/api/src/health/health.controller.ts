import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { type Role, TokenRegistry } from '../auth/token-registry';

/** Roles that see what each component reports (the people who run or audit OARS, not agents). */
const DETAIL_ROLES: readonly Role[] = ['admin', 'operator', 'auditor'];

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly tokens: TokenRegistry,
  ) {}

  /** Liveness (OARS v1 shape). */
  @Get()
  live() {
    return { status: 'ok', service: 'oars-platform', timestamp: new Date().toISOString() };
  }

  /**
   * Readiness: every dependency and consumer reports NOT_READY | OK | WARN | ERROR; 503 unless all
   * are OK or WARN. A load balancer needs only the status and the states; the messages (tenant ids,
   * database error text) are for an authenticated admin, operator or auditor.
   */
  @Get('ready')
  async ready(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const components = await this.runtime.readiness();
    const ready = Object.values(components).every((c) => c.state === 'OK' || c.state === 'WARN');
    void reply.status(ready ? 200 : 503);
    const detailed = this.showsDetail(request);
    const shown = detailed ? components : Object.fromEntries(Object.entries(components).map(([name, c]) => [name, { state: c.state }]));
    return { status: ready ? 'ready' : 'not_ready', eventStore: this.runtime.config.eventStore, region: this.runtime.config.region, components: shown };
  }

  private showsDetail(request: FastifyRequest): boolean {
    const bearer = this.tokens.ofRequest(request);
    return typeof bearer === 'object' && bearer.principal !== null && DETAIL_ROLES.includes(bearer.principal.role);
  }
}
