import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../http/api-error';
import { ConsoleAssets } from './console-assets';
import { CONSOLE_HEADERS } from './console-headers';

/**
 * The ops console: static files under /console. They need no token: the page asks for a
 * bearer token and sends it only in the Authorization header of its API calls.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(private readonly assets: ConsoleAssets) {}

  @Get()
  async index(@Res() reply: FastifyReply): Promise<void> {
    await this.send(reply, 'index.html');
  }

  @Get(':file')
  async file(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    await this.send(reply, file);
  }

  private async send(reply: FastifyReply, name: string): Promise<void> {
    if (!this.assets.dir) throw new ApiError(503, 'console_unavailable', 'The console files were not found; run `npm run build`.');
    const asset = this.assets.get(name);
    if (!asset) throw new ApiError(404, 'not_found', `Console file ${name.slice(0, 64)} not found.`);
    await reply.headers({ ...CONSOLE_HEADERS, 'content-type': asset.contentType }).send(asset.body);
  }
}
