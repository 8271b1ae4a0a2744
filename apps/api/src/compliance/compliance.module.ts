import { Module } from '@nestjs/common';
import { ComplianceController } from './compliance.controller';
import { EvidenceGraphController } from './evidence-graph.controller';
import { UpsertControlMappingHandler } from './upsert-control-mapping.handler';

/** Compliance: control mappings, the coverage scan and the evidence graph (RUNTIME comes from the global core module). */
@Module({ controllers: [ComplianceController, EvidenceGraphController], providers: [UpsertControlMappingHandler] })
export class ComplianceModule {}
