import { Module } from '@nestjs/common';
import { ForensicsController } from './forensics.controller';
import { LedgerController } from './ledger.controller';

/** The ledger read routes (OARS v1 #41-43) and forensic replay, all over the tenant streams. */
@Module({ controllers: [LedgerController, ForensicsController] })
export class LedgerModule {}
