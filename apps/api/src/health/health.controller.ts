import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /** Liveness (OARS v1 shape). */
  @Get()
  live() {
    return { status: 'ok', service: 'oars-platform', timestamp: new Date().toISOString() };
  }

  /** Readiness: every dependency and consumer reports NOT_READY | OK | WARN | ERROR; 503 unless all are OK or WARN. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const components = await this.runtime.readiness();
    const ready = Object.values(components).every((c) => c.state === 'OK' || c.state === 'WARN');
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', eventStore: this.runtime.config.eventStore, region: this.runtime.config.region, components };
  }
}
