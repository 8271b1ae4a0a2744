import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { EvidenceNodeType } from '@oars/domain';
import { type EvidenceGraphNode, evidenceGraphCounts, listEvidenceNodes } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { EvidenceGraphStatusQuery, ListEvidenceNodesQuery } from './compliance.dto';

/** OARS v1 §1.3 #29-30: the evidence graph read model (approval_decision nodes are human approvals only). */
@ApiTags('evidence')
@ApiBearerAuth()
@Controller('v1/admin/evidence/graph')
export class EvidenceGraphController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  /** Nodes per type (every type, 0 when none) and the number of edges. */
  @Get('status')
  @RequireScope('evidence:read')
  async status(@Query(createValidationPipe()) query: EvidenceGraphStatusQuery, @Caller() caller: Principal) {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    return { tenantId: query.tenantId, ...(await evidenceGraphCounts(this.runtime.sql, query.tenantId)), generatedAt: new Date().toISOString() };
  }

  /** One page of nodes, most recently updated first. */
  @Get('nodes')
  @RequireScope('evidence:read')
  async nodes(
    @Query(createValidationPipe()) query: ListEvidenceNodesQuery,
    @Caller() caller: Principal,
  ): Promise<{ items: EvidenceGraphNode[]; total: number; page: number; pageSize: number }> {
    assertTenantAccess(caller, query.tenantId);
    await this.runtime.catchUp([query.tenantId]);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 100;
    const nodeType = !query.nodeType || query.nodeType === 'all' ? null : (query.nodeType as EvidenceNodeType);
    const { items, total } = await listEvidenceNodes(this.runtime.sql, { tenantId: query.tenantId, nodeType, page, pageSize });
    return { items, total, page, pageSize };
  }
}
