import { Module } from '@nestjs/common';
import { ForensicsController } from './forensics.controller';
import { LedgerController } from './ledger.controller';
import { RetentionController } from './retention.controller';

/** The ledger routes (OARS v1 #41-46: status, entries, verify, retention), legal holds and forensic replay, all over the tenant streams. */
@Module({ controllers: [LedgerController, ForensicsController, RetentionController] })
export class LedgerModule {}
