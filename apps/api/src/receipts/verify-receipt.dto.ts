import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

export class PublicKeyDto {
  @IsString() @IsNotEmpty() @MaxLength(80) keyId!: string;
  @IsString() @IsNotEmpty() @MaxLength(4096) publicKeyPem!: string;
}

/** `POST /v1/receipts/verify` (OARS v1 §1.3 #20): a stored receipt by id, or a receipt object. */
export class VerifyReceiptDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(80) receiptId?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject() receipt?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) @IsOptional() @IsArray() @ArrayMaxSize(10_000) @IsObject({ each: true }) chain?: Record<string, unknown>[];
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(4096) publicKeyPem?: string;
  @ApiPropertyOptional({ type: [PublicKeyDto] }) @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => PublicKeyDto) publicKeys?: PublicKeyDto[];
}

const ALIASES: Record<string, string> = { receipt_id: 'receiptId', public_key_pem: 'publicKeyPem', public_keys: 'publicKeys' };

/** Folds the snake_case aliases of the verify body. */
export function foldVerifyAliases(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[ALIASES[k] ?? k] = v;
  if (Array.isArray(out.publicKeys)) {
    out.publicKeys = out.publicKeys.map((pk) =>
      typeof pk === 'object' && pk !== null ? Object.fromEntries(Object.entries(pk).map(([k, v]) => [k === 'key_id' ? 'keyId' : k === 'public_key_pem' ? 'publicKeyPem' : k, v])) : pk,
    );
  }
  return out;
}
