import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Runtime } from '@oars/runtime';
import { Caller, RequireScope } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { listLedgerEntries } from './ledger-entry';
import { LedgerEntriesQuery } from './ledger-queries.dto';
import { ledgerStatus, ledgerVerification } from './ledger-views';
import { assertReadableStream } from './readable-stream';

/**
 * The OARS v1 ledger routes (#41-43) over the tenant streams, which are the ledger: status and
 * entries read the event store, verify answers from the integrity verifier's stored state. Each
 * shows the caller's tenants (and, to admins, the platform stream in `platform`).
 */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/admin/ledger')
export class LedgerController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('status')
  @RequireScope('ledger:read', 'admin')
  status(@Caller() caller: Principal) {
    return ledgerStatus(this.runtime, caller.tenantIds);
  }

  /** Newest first, straight from the stream; 404 for a tenant the token does not hold. */
  @Get('entries')
  @RequireScope('ledger:read')
  entries(@Query(createValidationPipe()) query: LedgerEntriesQuery, @Caller() caller: Principal) {
    assertReadableStream(caller, query.tenantId);
    return listLedgerEntries(this.runtime.store, query.tenantId, query.limit ?? 100, query.beforeSequence);
  }

  @Get('verify')
  @RequireScope('ledger:read', 'admin')
  verify(@Caller() caller: Principal) {
    return ledgerVerification(this.runtime, caller.tenantIds);
  }
}
