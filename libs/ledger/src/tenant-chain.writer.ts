import { sign } from 'node:crypto';
import { ConcurrencyError, type EventToAppend } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { buildJobs, cutBatch, resolveCarried } from './chain-writer/batch-plan';
import type { Build, Clock, Job, TenantChainWriterOptions, TenantState, WriteResult } from './chain-writer/chain-writer.types';
import { KeyCustody } from './chain-writer/key-custody';
import { recoverLostAppend } from './chain-writer/race-recovery';
import { advanceHead, chainReceipts } from './chain-writer/receipt-chaining';
import { TenantHeads } from './chain-writer/tenant-heads';
import { TenantQueues } from './chain-writer/tenant-queues';
import type { Keyring } from './keyring';
import type { ReceiptDraft } from './receipt-draft';

export type { Build, BuildContext, BuildResult, TenantChainWriterOptions, WriteResult } from './chain-writer/chain-writer.types';
export { SigningKeyUnavailableError } from './chain-writer/key-custody';

/**
 * The only writer of tenant streams. Per tenant it keeps the head (sequence, hash, key) in memory,
 * queues commands, and group-commits them: each queued build turns into receipt drafts, which are
 * chained (`sequence`, `prevEventHash`, `prevReceiptHash`), signed and appended with the expected
 * head. When another instance wrote first, it re-reads the stream, keeps whatever of its own was
 * stored, and rebuilds the rest on fresh state (bounded).
 */
export class TenantChainWriter {
  private readonly clock: Clock;
  private readonly maxAttempts: number;
  private readonly settingsSubjects: ReadonlySet<string>;
  private readonly custody: KeyCustody;
  private readonly heads: TenantHeads;
  private readonly queues: TenantQueues;

  constructor(private readonly options: TenantChainWriterOptions) {
    this.settingsSubjects = new Set(options.settingsSubjects ?? []);
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxAttempts = options.maxAttempts ?? 8;
    this.custody = new KeyCustody(options.vault, options.kek);
    this.heads = new TenantHeads(options.store, this.custody, this.settingsSubjects);
    this.queues = new TenantQueues(options.maxBatch ?? 256, (tenantId, batch) => this.runBatch(tenantId, batch));
  }

  /** Queues `build` for the tenant and resolves once its receipts are durably appended. */
  write<T>(tenantId: string, build: Build<T>): Promise<WriteResult<T>> {
    return this.queues.push(tenantId, build);
  }

  /** Appends a `key.rotated` receipt (signed by the outgoing key) and switches signing to a new key. */
  async rotateKey(tenantId: string): Promise<{ newKeyId: string; previousActiveKeyId: string | null; rotatedAt: string }> {
    const { value } = await this.write(tenantId, async () => {
      const state = await this.heads.load(tenantId);
      const previous = state.keyring?.activeKeyId ?? null;
      const now = this.clock.now().toISOString();
      const { draft, signer } = await this.custody.newKey(tenantId, state.keyring, now);
      return { drafts: [draft], finish: () => ({ newKeyId: signer.keyId, previousActiveKeyId: previous, rotatedAt: now }) };
    });
    return value;
  }

  /**
   * Signs detached documents (evidence bundles, in their own signature domain) with the tenant's
   * active key; the private key stays inside the closure. Null while the tenant has no key (no receipt yet).
   */
  async detachedSigner(tenantId: string): Promise<{ keyId: string; sign(message: Uint8Array): Uint8Array } | null> {
    const { signer } = await this.heads.load(tenantId);
    if (!signer) return null;
    const { keyId, privateKey } = signer;
    return { keyId, sign: (message) => sign(null, message, privateKey) };
  }

  /** The tenant's key ring as of the last receipt this writer knows (loads it from the stream if needed). */
  async keyring(tenantId: string): Promise<Keyring | null> {
    return (await this.heads.load(tenantId)).keyring;
  }

  /** Commands waiting in the tenant queues (saturation signal). */
  queueDepth(): number {
    return this.queues.depth();
  }

  /** The last sequence this writer appended or loaded for the tenant (undefined when not cached). */
  knownHead(tenantId: string): number | undefined {
    return this.heads.cached(tenantId)?.sequence;
  }

  /**
   * Read-only: the setting receipt this writer holds in memory for the tenant (what its next decision
   * would use), null when the tenant has none, undefined when the tenant is not cached. For the
   * policy-drift check (libs/ops); it never loads anything.
   */
  setting(tenantId: string, subject: string): Receipt | null | undefined {
    const state = this.heads.cached(tenantId);
    return state ? state.settings.get(subject) ?? null : undefined;
  }

  /** Forgets cached heads (tests and operators use this after external changes). */
  reset(tenantId?: string): void {
    this.heads.forget(tenantId);
  }

  private async runBatch(tenantId: string, batch: Job[]): Promise<void> {
    let pending = batch;
    while (pending.length > 0) {
      // Jobs that lost a race to another instance: a short random pause, growing with the attempts,
      // keeps several instances from colliding on the same head again and again.
      const lost = Math.max(0, ...pending.map((j) => j.attempt));
      if (lost > 0) await new Promise((r) => setTimeout(r, Math.random() * 2 * lost));
      pending = await this.attempt(tenantId, pending);
    }
  }

  /** One append attempt for `jobs`; returns the jobs that must be tried again. */
  private async attempt(tenantId: string, jobs: Job[]): Promise<Job[]> {
    let state: TenantState;
    const prefix: ReceiptDraft[] = [];
    try {
      state = await this.heads.load(tenantId);
      if (!state.keyring) prefix.push(await this.firstKey(tenantId, state));
    } catch (err) {
      this.heads.forget(tenantId);
      for (const job of jobs) job.reject(err);
      return [];
    }
    const { carried, deferred } = cutBatch(await buildJobs(tenantId, jobs, state.settings, { sequence: state.sequence, receiptHash: state.lastHash }), this.settingsSubjects);
    const drafts = [...prefix, ...carried.flatMap((p) => p.drafts)];
    const at = { tenantId, region: this.options.region };
    const receipts = drafts.length === 0 ? [] : chainReceipts({ ...at, timestamp: this.timestamp(state.lastTimestamp) }, state, drafts, carried.flatMap((p) => p.job.stored ?? []));
    const startSequence = state.sequence;
    try {
      if (receipts.length > 0) {
        const events: EventToAppend[] = receipts.map((r, i) => ({ id: r.receiptId, type: r.type, subject: drafts[i]!.subject, data: r as unknown as Record<string, unknown> }));
        const result = await this.options.store.append(tenantId, events, { expectedVersion: startSequence });
        // Only this call's own receipts at their own sequences extend the head: anything else (a
        // store answering "duplicate" for another writer's event) is treated as a lost race.
        if (result.firstSequence !== receipts[0]!.sequence || result.lastSequence !== receipts[receipts.length - 1]!.sequence) {
          throw new ConcurrencyError(tenantId, startSequence, result.lastSequence);
        }
        advanceHead(state, receipts, drafts, this.settingsSubjects);
      }
    } catch (err) {
      this.heads.forget(tenantId);
      const retry = await recoverLostAppend(this.options.store, { tenantId, startSequence, maxAttempts: this.maxAttempts }, carried, receipts, err);
      return [...retry, ...deferred];
    }
    resolveCarried(carried, receipts.slice(prefix.length), state.sequence);
    return deferred;
  }

  /** The tenant's first receipt: `key.generated`, signed by the key it introduces. */
  private async firstKey(tenantId: string, state: TenantState): Promise<ReceiptDraft> {
    const { draft, ring, signer } = await this.custody.newKey(tenantId, null, this.clock.now().toISOString());
    state.signer = signer;
    state.keyring = ring; // discarded with the state if the append fails
    return draft;
  }

  private timestamp(last: string): string {
    const now = this.clock.now().toISOString();
    return now > last ? now : last;
  }
}
