import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { getReceipt, getReceiptBySequence, listActionReceipts, listReceipts } from '@oars/readmodels';
import type { Receipt } from '@oars/receipts';
import { LEDGER_CHECKPOINT } from '@oars/domain';
import type { Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { ListReceiptsQuery } from './list-receipts.query';
import { type VerificationAnswer, verifyOne } from './receipt-verification';
import { VerifyReceiptDto, foldVerifyAliases } from './verify-receipt.dto';

@ApiTags('receipts')
@ApiBearerAuth()
@Controller('v1/receipts')
export class ReceiptsController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  @RequireScope('receipts:read')
  async list(@Query(createValidationPipe()) query: ListReceiptsQuery, @Caller() caller: Principal) {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    const { includeCheckpoints, ...filters } = query;
    const excludeTypes = includeCheckpoints === 'true' || filters.type !== undefined ? [] : [LEDGER_CHECKPOINT];
    const page = await listReceipts(this.runtime.sql, { ...filters, excludeTypes, limit: query.limit ?? 100 });
    const control = query.framework !== undefined ? { framework: query.framework, controlId: query.controlId } : {};
    return { tenantId: query.tenantId, ...control, items: page.items, nextCursor: page.nextCursor };
  }

  @Get(':receiptId')
  @RequireScope('receipts:read')
  async get(@Param('receiptId') receiptId: string, @Caller() caller: Principal): Promise<Receipt> {
    assertId('receiptId', receiptId);
    await this.runtime.catchUp(caller.tenantIds);
    const receipt = await getReceipt(this.runtime.sql, caller.tenantIds, receiptId);
    if (!receipt) throw notFound('Receipt');
    return receipt;
  }

  @Post('verify')
  @HttpCode(200)
  @RequireScope('receipts:verify')
  async verify(@Body({ transform: foldVerifyAliases }, createValidationPipe()) body: VerifyReceiptDto, @Caller() caller: Principal): Promise<VerificationAnswer> {
    if (body.receiptId) return this.verifyStored(body.receiptId, caller);
    if (!body.receipt) throw new ApiError(400, 'validation_error', 'Invalid request: receiptId or receipt is required.', [{ field: 'receiptId', message: 'receiptId or receipt is required' }]);
    const receipt = body.receipt as unknown as Receipt;
    if (typeof receipt.tenantId !== 'string') throw new ApiError(400, 'validation_error', 'Invalid request: receipt.tenantId is required.', [{ field: 'receipt.tenantId', message: 'receipt.tenantId is required' }]);
    assertTenantAccess(caller, receipt.tenantId);
    const keyId = receipt.integrity?.signingKeyId;
    const pem =
      body.publicKeys?.find((k) => k.keyId === keyId)?.publicKeyPem ??
      body.publicKeyPem ??
      (await this.runtime.writer.keyring(receipt.tenantId))?.keys.find((k) => k.keyId === keyId)?.publicKeyPem ??
      null;
    return verifyOne(receipt, pem, (body.chain as unknown as Receipt[] | undefined) ?? null);
  }

  private async verifyStored(receiptId: string, caller: Principal): Promise<VerificationAnswer> {
    assertId('receiptId', receiptId);
    await this.runtime.catchUp(caller.tenantIds);
    const receipt = await getReceipt(this.runtime.sql, caller.tenantIds, receiptId);
    if (!receipt) throw notFound('Receipt');
    const ring = await this.runtime.writer.keyring(receipt.tenantId);
    const pem = ring?.keys.find((k) => k.keyId === receipt.integrity.signingKeyId)?.publicKeyPem ?? null;
    const chain = receipt.actionId ? await listActionReceipts(this.runtime.sql, receipt.tenantId, receipt.actionId) : null;
    const predecessor = receipt.sequence > 1 ? await getReceiptBySequence(this.runtime.sql, receipt.tenantId, receipt.sequence - 1) : null;
    return verifyOne(receipt, pem, chain, predecessor);
  }
}
