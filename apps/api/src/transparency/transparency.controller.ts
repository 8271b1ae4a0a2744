import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { LEDGER_CHECKPOINT } from '@oars/domain';
import { getReceipt, listReceipts } from '@oars/readmodels';
import type { ConsistencyProofDocument, InclusionProofDocument } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { ReceiptProofService } from './receipt-proof.service';
import { ConsistencyQuery, ListCheckpointsQuery } from './transparency.dto';

/** Transparency proofs (docs/receipt-format.md, "Transparency"): checkable offline with `oars verify`. */
@ApiTags('transparency')
@ApiBearerAuth()
@Controller()
export class TransparencyController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly proofs: ReceiptProofService,
  ) {}

  /** The receipt's inclusion proof against the latest signed checkpoint of its stream. */
  @Get('v1/receipts/:receiptId/proof')
  @RequireScope('receipts:verify')
  async proof(@Param('receiptId') receiptId: string, @Caller() caller: Principal): Promise<InclusionProofDocument> {
    assertId('receiptId', receiptId);
    await this.runtime.catchUp(caller.tenantIds);
    const receipt = await getReceipt(this.runtime.sql, caller.tenantIds, receiptId);
    if (!receipt) throw notFound('Receipt');
    return this.proofs.inclusion(receipt);
  }

  /** The stream's checkpoints, newest first. */
  @Get('v1/transparency/checkpoints')
  @RequireScope('receipts:read')
  async checkpoints(@Query(createValidationPipe()) query: ListCheckpointsQuery, @Caller() caller: Principal) {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    const page = await listReceipts(this.runtime.sql, { tenantId: query.tenantId, type: LEDGER_CHECKPOINT, limit: query.limit ?? 100, cursor: query.cursor ?? null });
    return { tenantId: query.tenantId, items: page.items, nextCursor: page.nextCursor };
  }

  /** Proof that the later checkpoint's tree extends the earlier one's. */
  @Get('v1/transparency/consistency')
  @RequireScope('receipts:verify')
  async consistency(@Query(createValidationPipe()) query: ConsistencyQuery, @Caller() caller: Principal): Promise<ConsistencyProofDocument> {
    assertTenantAccess(caller, query.tenantId);
    return this.proofs.consistency(query.tenantId, query.fromTreeSize, query.toTreeSize);
  }
}
