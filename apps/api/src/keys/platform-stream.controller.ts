import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { PLATFORM_STREAM } from '@oars/eventstore';
import { PlatformStream } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { RequireScope } from '../auth/auth.guard';
import { RUNTIME } from '../runtime.token';

const PAGE = 1000;

/**
 * The region's platform stream for verifiers: its public keys (no auth, like a tenant's trust
 * endpoint, and in the same `{items}` shape `oars verify --keys` reads) and its receipts as NDJSON
 * for admins and auditors (`ledger:read`), read from the stream itself, so
 * `oars verify platform.ndjson --keys platform-keys.json --expect-first-sequence 1` checks it offline.
 */
@ApiTags('keys')
@Controller()
export class PlatformStreamController {
  private readonly platform: PlatformStream;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.platform = new PlatformStream(runtime.writer);
  }

  @Get('v1/trust/platform/keys')
  async trust() {
    const ring = await this.platform.keyring();
    return { stream: PLATFORM_STREAM, region: this.runtime.config.region, items: ring?.keys ?? [] };
  }

  @Get('v1/admin/platform/receipts')
  @ApiBearerAuth()
  @RequireScope('ledger:read')
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  async receipts(): Promise<string> {
    const lines: string[] = [];
    for (let from = 1; ; from += PAGE) {
      const page = await this.runtime.store.read(PLATFORM_STREAM, { from, limit: PAGE });
      for (const event of page) lines.push(JSON.stringify(event.data));
      if (page.length < PAGE) break;
    }
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }
}
