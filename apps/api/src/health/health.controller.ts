import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { TokenRegistry } from '../auth/token-registry';

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
   * are OK or WARN. A load balancer needs only the states; the messages (tenant ids, database error
   * text) are for a caller with a valid token.
   */
  @Get('ready')
  async ready(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const components = await this.runtime.readiness();
    const ready = Object.values(components).every((c) => c.state === 'OK' || c.state === 'WARN');
    void reply.status(ready ? 200 : 503);
    const detailed = typeof this.tokens.ofRequest(request) === 'object';
    const shown = detailed ? components : Object.fromEntries(Object.entries(components).map(([name, c]) => [name, { state: c.state }]));
    return { status: ready ? 'ready' : 'not_ready', eventStore: this.runtime.config.eventStore, region: this.runtime.config.region, components: shown };
  }
}
