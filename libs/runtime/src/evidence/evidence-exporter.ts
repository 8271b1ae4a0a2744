import type { SqlClient } from '@oars/db';
import {
  type CheckpointData,
  type EvidenceCommand,
  type EvidenceEvent,
  type EvidenceFrameworkId,
  type EvidenceJobState,
  type ExportScope,
  LEDGER_CHECKPOINT,
  EvidenceError,
  controlEvidenceOf,
  controlsToScan,
  decideEvidence,
  evidenceExportSubject,
  evidenceJobStateOf,
  isEvidenceEvent,
} from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { type TenantChainWriter, aggregateDraft, checkpointCovering, derivedId, handleCommand, latestReceipt, randomId } from '@oars/ledger';
import { type ReceiptProofs, listControlMappings } from '@oars/readmodels';
import { type BuiltEvidenceBundle, type EvidenceBundle, type EvidenceControl, type Receipt, buildEvidenceBundleJson, outOfScopeFieldOf } from '@oars/receipts';

/** What an export is of: the tenant, the framework label and the scope. */
export interface EvidenceExportSpec {
  tenantId: string;
  framework: EvidenceFrameworkId;
  scope: ExportScope;
}

export interface EvidenceExporterDeps {
  store: EventStore;
  writer: TenantChainWriter;
  sql: SqlClient;
  /** The process's Merkle logs of the tenant streams (shared with the proof routes). */
  proofs: ReceiptProofs;
  /** Resolves true once the read models reflect `sequence` of the tenant's stream. */
  waitForPosition(tenantId: string, sequence: number): Promise<boolean>;
}

/** The export cannot be made now (the read models lag, the tenant has no key yet); retrying may work. */
export class ExportUnavailableError extends Error {
  readonly code = 'export_unavailable';
}

/** More receipts than one synchronous answer carries: ask for an asynchronous export. */
export class ExportTooLargeError extends Error {
  readonly code = 'export_too_large';
}

/** Receipts a synchronous export may carry; an asynchronous one has no limit but the window. */
export const MAX_INLINE_EXPORT_RECEIPTS = 100_000;
const PAGE = 10_000;

/**
 * Builds evidence bundles from the receipts read model: the receipts in scope, the tenant's public
 * keys, a signed checkpoint covering them (appended on demand) and an inclusion proof per receipt,
 * signed with the tenant's key in the bundle's own signature domain. Records each bundle as an
 * `evidence.bundle.generated` receipt; asynchronous jobs are receipts too (see the exports reactor).
 */
export class EvidenceExporter {
  constructor(private readonly deps: EvidenceExporterDeps) {}

  /** Builds the bundle `bundleId` of `spec` as of now (`generatedAt`), without recording it. */
  async build(spec: EvidenceExportSpec, bundleId: string, generatedAt: string, maxReceipts = Infinity): Promise<EvidenceBundle> {
    return (await this.buildJson(spec, bundleId, generatedAt, maxReceipts)).bundle;
  }

  /** {@link build}, with the bundle's JSON text in pieces (an inline answer writes them as they are). */
  async buildJson(spec: EvidenceExportSpec, bundleId: string, generatedAt: string, maxReceipts = Infinity): Promise<BuiltEvidenceBundle> {
    const { tenantId } = spec;
    const head = (await this.deps.store.head(tenantId)).sequence;
    await this.reach(tenantId, head);
    const { receipts, controls } = await this.withControls(spec, await this.receiptsInScope(spec, maxReceipts));
    const last = receipts.length > 0 ? receipts[receipts.length - 1]!.sequence : 0;
    const checkpoint = last > 0 ? await checkpointCovering(this.deps, tenantId, last) : null;
    if (last > 0 && !checkpoint) throw new ExportUnavailableError(`No checkpoint of ${tenantId} covers sequence ${last} yet; retry shortly.`);
    const signer = await this.deps.writer.detachedSigner(tenantId);
    const ring = await this.deps.writer.keyring(tenantId);
    if (!signer || !ring) throw new ExportUnavailableError(`Tenant ${tenantId} has no signing key yet: it has no receipts.`);
    const tree = checkpoint ? treeOf(checkpoint) : null;
    if (tree) await this.reach(tenantId, tree.treeSize);
    const log = tree ? await this.deps.proofs.log(tenantId, tree) : { inclusionProof: () => [] };
    return buildEvidenceBundleJson(
      { bundleId, tenantId, framework: spec.framework, generatedAt, scope: spec.scope, receipts, keys: ring.keys, checkpoint: receipts.length > 0 ? checkpoint : null, log, ...(controls ? { controls } : {}) },
      signer,
    );
  }

  /** A synchronous export: builds, records `evidence.bundle.generated`, answers the bundle and its JSON text. */
  async exportNow(spec: EvidenceExportSpec, now = new Date()): Promise<BuiltEvidenceBundle> {
    const bundleId = randomId('evb');
    const built = await this.buildJson(spec, bundleId, now.toISOString(), MAX_INLINE_EXPORT_RECEIPTS);
    await this.command(spec.tenantId, `evidence_bundle.${bundleId}`, generatedCommand(null, built.bundle, spec));
    return built;
  }

  /** Records an asynchronous job (`evidence.export_requested`); the exports reactor runs it. Idempotent per jobId. */
  async request(spec: EvidenceExportSpec, jobId: string, actor: string, now = new Date()): Promise<EvidenceJob> {
    const bundleId = derivedId('evb', spec.tenantId, jobId);
    await this.command(spec.tenantId, evidenceExportSubject(jobId), {
      type: 'RequestEvidenceExport',
      data: { tenantId: spec.tenantId, framework: spec.framework, scope: spec.scope },
      metadata: { jobId, bundleId, now: now.toISOString(), actor },
    });
    return (await this.job(spec.tenantId, jobId))!;
  }

  /**
   * Runs a job: builds its bundle once (a rerun after a crash finds the stored one), stores it and
   * records `evidence.bundle.generated`; a job already finished is left alone.
   */
  async run(tenantId: string, jobId: string): Promise<boolean> {
    const state = await this.jobState(tenantId, jobId);
    if (!state.requested || state.status !== 'queued') return false;
    const { bundleId, framework, scope, requestedAt } = state.requested;
    const spec = { tenantId, framework, scope };
    let bundle = await this.storedBundle(tenantId, bundleId);
    if (!bundle) {
      const built = await this.build(spec, bundleId, requestedAt);
      await this.deps.sql.query(
        `INSERT INTO evidence_bundles (bundle_id, tenant_id, job_id, bundle_hash, receipt_count, body) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (bundle_id) DO NOTHING`,
        [bundleId, tenantId, jobId, built.integrity.bundleHash, built.receipts.length, JSON.stringify(built)],
      );
      bundle = (await this.storedBundle(tenantId, bundleId))!;
    }
    return this.command(tenantId, evidenceExportSubject(jobId), generatedCommand(jobId, bundle, spec));
  }

  /** Records that a job failed for good (after its retries); false when it had already ended. */
  fail(tenantId: string, jobId: string, error: string, now = new Date()): Promise<boolean> {
    return this.command(tenantId, evidenceExportSubject(jobId), { type: 'FailEvidenceExport', data: { jobId, error }, metadata: { now: now.toISOString() } });
  }

  /** A job as its receipts show it, or null for an unknown job. */
  async job(tenantId: string, jobId: string): Promise<EvidenceJob | null> {
    const { latest, state } = await this.jobAt(tenantId, evidenceExportSubject(jobId));
    if (!latest || !state.requested) return null;
    const outcome = latest.data as { bundleHash?: string; receiptCount?: number; error?: string };
    return {
      jobId,
      tenantId,
      status: state.status!,
      framework: state.requested.framework,
      scope: state.requested.scope,
      bundleId: state.requested.bundleId,
      requestedAt: state.requested.requestedAt,
      requestedBy: state.requested.requestedBy,
      finishedAt: state.status === 'queued' ? null : latest.timestamp,
      bundleHash: outcome.bundleHash ?? null,
      receiptCount: outcome.receiptCount ?? null,
      error: outcome.error ?? null,
    };
  }

  /** The stored bundle of a job's bundle id (asynchronous exports only). */
  async storedBundle(tenantId: string, bundleId: string): Promise<EvidenceBundle | null> {
    const { rows } = await this.deps.sql.query<{ body: string }>('SELECT body FROM evidence_bundles WHERE tenant_id = $1 AND bundle_id = $2', [tenantId, bundleId]);
    return rows.length > 0 ? (JSON.parse(rows[0]!.body) as EvidenceBundle) : null;
  }

  private async jobState(tenantId: string, jobId: string): Promise<EvidenceJobState> {
    return (await this.jobAt(tenantId, evidenceExportSubject(jobId))).state;
  }

  /** A job's latest receipt and the state it carries (each receipt of a job is its snapshot). */
  private async jobAt(tenantId: string, subject: string): Promise<{ latest: Receipt | null; state: EvidenceJobState }> {
    const latest = await latestReceipt(this.deps.store, tenantId, subject);
    return { latest, state: evidenceJobStateOf(latest && isEvidenceEvent(latest.type) ? eventOf(latest) : null) };
  }

  /** Decides and appends one command of a job; true when it appended something. */
  private async command(tenantId: string, subject: string, command: EvidenceCommand): Promise<boolean> {
    const { value } = await handleCommand(this.deps, {
      tenantId,
      subjects: [subject],
      load: async () => (await this.jobAt(tenantId, subject)).state,
      decide: (state) => decideEvidence(state, command),
      drafts: (events) =>
        events.map((e) => aggregateDraft(derivedId('rcpt', tenantId, e.subject, e.type), e.type, e.subject, e.data as unknown as Record<string, unknown>)),
      answer: ({ events }) => events.length > 0,
    });
    return value;
  }

  private async receiptsInScope(spec: EvidenceExportSpec, maxReceipts: number): Promise<Receipt[]> {
    const { tenantId, scope } = spec;
    const out: Receipt[] = [];
    for (let after = 0; ; ) {
      const { rows } = await this.deps.sql.query<{ body: string; sequence: string | number }>(
        `SELECT body, sequence FROM receipts
          WHERE tenant_id = $1 AND ts >= $2::timestamptz AND ts <= $3::timestamptz AND sequence > $4 AND type <> $5
            AND ($6::text[] IS NULL OR tool_id IS NULL OR tool_id = ANY($6::text[]))
            AND ($7::text[] IS NULL OR actor_agent_id IS NULL OR actor_agent_id = ANY($7::text[]))
          ORDER BY sequence LIMIT ${PAGE}`,
        [tenantId, scope.dateFrom, scope.dateTo, after, LEDGER_CHECKPOINT, scope.toolIds ?? null, scope.agentIds ?? null],
      );
      for (const row of rows) {
        const receipt = JSON.parse(row.body) as Receipt;
        if (outOfScopeFieldOf(receipt, scope) === null) out.push(receipt);
      }
      if (out.length > maxReceipts) throw new ExportTooLargeError(`More than ${maxReceipts} receipts are in scope: ask for an asynchronous export (Prefer: respond-async) or narrow the window.`);
      if (rows.length < PAGE) return out;
      after = Number(rows[rows.length - 1]!.sequence);
    }
  }

  /**
   * With `controlIds` in the scope: each must be a control of the framework (shipped, or the
   * tenant's own mapping), the bundle keeps only the receipts that are evidence of at least one of
   * them, and its `controls` section lists each control's evidence.
   */
  private async withControls(spec: EvidenceExportSpec, receipts: Receipt[]): Promise<{ receipts: Receipt[]; controls?: EvidenceControl[] }> {
    const wanted = spec.scope.controlIds;
    if (!wanted) return { receipts };
    const known = controlsToScan(spec.framework, await listControlMappings(this.deps.sql, spec.tenantId, spec.framework));
    const controls = wanted.map((controlId, i) => {
      const control = known.find((c) => c.controlId === controlId);
      if (!control) throw new EvidenceError('unknown_control', `controlIds[${i}] ${controlId} is not a ${spec.framework} control (shipped or mapped by the tenant).`, `controlIds[${i}]`);
      return { control, evidenceReceiptIds: new Set(controlEvidenceOf(control, receipts, spec.framework)) };
    });
    const kept = receipts.filter((r) => controls.some((c) => c.evidenceReceiptIds.has(r.receiptId)));
    return {
      receipts: kept,
      controls: controls.map(({ control, evidenceReceiptIds }) => ({ controlId: control.controlId, description: control.controlDescription, evidenceReceiptIds: [...evidenceReceiptIds] })),
    };
  }

  private async reach(tenantId: string, sequence: number): Promise<void> {
    if (!(await this.deps.waitForPosition(tenantId, sequence))) {
      throw new ExportUnavailableError(`The receipts read model has not reached sequence ${sequence} of ${tenantId} yet.`);
    }
  }
}

/** An asynchronous export job as the API shows it. */
export interface EvidenceJob {
  jobId: string;
  tenantId: string;
  status: 'queued' | 'completed' | 'failed';
  framework: EvidenceFrameworkId;
  scope: ExportScope;
  bundleId: string;
  requestedAt: string;
  requestedBy: string;
  finishedAt: string | null;
  bundleHash: string | null;
  receiptCount: number | null;
  error: string | null;
}

function generatedCommand(jobId: string | null, bundle: EvidenceBundle, spec: EvidenceExportSpec): EvidenceCommand {
  return {
    type: 'RecordEvidenceBundle',
    data: { jobId, bundleId: bundle.bundleId, framework: spec.framework, bundleHash: bundle.integrity.bundleHash, receiptCount: bundle.receipts.length, scope: spec.scope, generatedAt: bundle.generatedAt },
  };
}

function eventOf(receipt: Receipt): EvidenceEvent {
  return { type: receipt.type, subject: '', data: receipt.data } as unknown as EvidenceEvent;
}

function treeOf(checkpoint: Receipt): CheckpointData {
  return checkpoint.data as unknown as CheckpointData;
}

