import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { checkExportScope, type ExportScope } from '@oars/domain';
import { derivedId, randomId } from '@oars/ledger';
import { type EvidenceBundle, nodeVerifierCrypto, verifyEvidenceBundle } from '@oars/receipts';
import type { EvidenceJob, Runtime } from '@oars/runtime';
import { assertId } from '../actions/actions.controller';
import { Caller, RequireScope, assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { EvidenceExportDto, VerifyBundleDto } from './evidence-export.dto';

/** Evidence exports (docs/evidence.md): inline bundles as v1, or jobs on request. */
@ApiTags('evidence')
@ApiBearerAuth()
@Controller('v1/evidence/exports')
export class EvidenceController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post()
  @HttpCode(200)
  @RequireScope('evidence:export')
  @ApiHeader({ name: 'Prefer', required: false, description: 'respond-async: answer 202 with a job' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'an asynchronous request retried with the same key finds the same job' })
  async export(
    @Body(createValidationPipe()) body: EvidenceExportDto,
    @Caller() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('prefer') prefer?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<Readable | EvidenceJob> {
    assertTenantAccess(caller, body.tenantId);
    const { tenantId, framework, async: wantsAsync, dateFrom, dateTo, toolIds, agentIds, policyIds, controlIds } = body;
    const scope: ExportScope = { dateFrom, dateTo, ...(toolIds ? { toolIds } : {}), ...(agentIds ? { agentIds } : {}), ...(policyIds ? { policyIds } : {}), ...(controlIds ? { controlIds } : {}) };
    checkExportScope(scope);
    const spec = { tenantId, framework, scope };
    if (!(wantsAsync === true || /\brespond-async\b/i.test(prefer ?? ''))) {
      try {
        const { json } = await this.runtime.evidence.exportNow(spec);
        this.runtime.ops.slo.record('evidence_export', true);
        // The bundle's canonical text, piece by piece: a 100k-receipt bundle is ~300 MB, never serialised twice.
        void reply.header('content-type', 'application/json; charset=utf-8');
        return Readable.from(json, { objectMode: false });
      } catch (err) {
        // Only our failures count against the SLO; a refused request (too large, no receipts yet) does not.
        if (!(err as { code?: string }).code || (err as { code?: string }).code === 'export_unavailable') this.runtime.ops.slo.record('evidence_export', false);
        throw err;
      }
    }
    const key = idempotencyKey?.trim() || null;
    if (key !== null && key.length > 255) throw new ApiError(400, 'validation_error', 'Idempotency-Key must be at most 255 characters.');
    const jobId = key ? derivedId('exj', tenantId, caller.subject, key) : randomId('exj');
    const job = await this.runtime.evidence.request(spec, jobId, caller.subject);
    reply.status(202).header('location', `/v1/evidence/exports/${jobId}`);
    return job;
  }

  @Post('verify')
  @HttpCode(200)
  @RequireScope('evidence:read')
  async verify(@Body(createValidationPipe()) body: VerifyBundleDto, @Caller() caller: Principal) {
    const tenantId = body.bundle.tenantId;
    if (typeof tenantId !== 'string') throw new ApiError(400, 'validation_error', 'Invalid request: bundle.tenantId is required.', [{ field: 'bundle.tenantId', message: 'is required' }]);
    assertTenantAccess(caller, tenantId);
    // The tenant's own key ring is the trust anchor: a bundle signed by keys it carries itself proves nothing.
    const ring = await this.runtime.writer.keyring(tenantId);
    const result = verifyEvidenceBundle(body.bundle, nodeVerifierCrypto, { trustedKeys: ring?.keys ?? [] });
    const codes = new Set(result.errors.map((e) => e.code));
    return {
      isHashValid: !codes.has('bundle_hash_mismatch') && !codes.has('malformed_bundle'),
      isSignatureValid: !codes.has('bad_bundle_signature') && !codes.has('unknown_signing_key') && !codes.has('untrusted_key') && !codes.has('wrong_signature_domain') && !codes.has('malformed_bundle'),
      isValid: result.isValid,
      errors: result.errors.map((e) => `${e.path || 'bundle'}: ${e.message}`),
      findings: result.errors,
      checked: result.checked,
    };
  }

  @Get(':jobId')
  @RequireScope('evidence:read')
  async job(@Param('jobId') jobId: string, @Caller() caller: Principal): Promise<EvidenceJob> {
    return this.findJob(jobId, caller);
  }

  @Get(':jobId/bundle')
  @RequireScope('evidence:read')
  async bundle(@Param('jobId') jobId: string, @Caller() caller: Principal): Promise<EvidenceBundle> {
    const job = await this.findJob(jobId, caller);
    if (job.status !== 'completed') throw new ApiError(409, 'export_not_completed', `Export job ${jobId} is ${job.status}${job.error ? `: ${job.error}` : ''}.`);
    const bundle = await this.runtime.evidence.storedBundle(job.tenantId, job.bundleId);
    if (!bundle) throw notFound('Evidence bundle');
    return bundle;
  }

  /** A job of one of the caller's tenants (404 for anyone else's). */
  private async findJob(jobId: string, caller: Principal): Promise<EvidenceJob> {
    assertId('jobId', jobId);
    for (const tenantId of caller.tenantIds) {
      const job = await this.runtime.evidence.job(tenantId, jobId);
      if (job) return job;
    }
    throw notFound('Export job');
  }
}
