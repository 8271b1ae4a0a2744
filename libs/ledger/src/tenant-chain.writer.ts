import type { KeyObject } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { ConcurrencyError, type EventStore, type EventToAppend } from '@oars/eventstore';
import {
  RECEIPT_VERSION,
  type Receipt,
  type UnsignedReceipt,
  generateSigningKey,
  openPrivateKey,
  sealPrivateKey,
  signReceipt,
} from '@oars/receipts';
import type { KeyVault } from './key-vault.port';
import { KEY_GENERATED, KEY_ROTATED, KEYRING_SUBJECT, type Keyring, firstKeyring, keyringFromReceipt, rotatedKeyring } from './keyring';
import { type ReceiptDraft, aggregateDraft, derivedId } from './receipt-draft';

export interface BuildContext {
  tenantId: string;
  /** 0 on the first try; > 0 after another writer won a race and the build runs again on fresh state. */
  attempt: number;
  /**
   * The latest receipt of a tenant setting subject (one of `settingsSubjects`, e.g. the published
   * policy), as of the head this write is appended after: a decision built on it cannot be appended
   * if the setting changed meanwhile (the expected-head check fails and the build runs again).
   */
  setting(subject: string): Receipt | null;
}

export interface BuildResult<T> {
  drafts: ReceiptDraft[];
  /** Turns the receipts as stored into the command's answer. */
  finish: (receipts: Receipt[]) => T;
}

export type Build<T> = (ctx: BuildContext) => Promise<BuildResult<T>> | BuildResult<T>;

export interface WriteResult<T> {
  value: T;
  /** Tenant stream sequence after the write: read models that reached it reflect this command. */
  position: number;
}

export class SigningKeyUnavailableError extends Error {
  readonly code = 'signing_key_unavailable';
  constructor(tenantId: string, keyId: string) {
    super(`The private signing key ${keyId} of tenant ${tenantId} is not in the key vault.`);
  }
}

interface TenantState {
  settings: Map<string, Receipt>;
  sequence: number;
  lastHash: string | null;
  lastTimestamp: string;
  keyring: Keyring | null;
  signer: Signer | null;
}

interface Job {
  build: Build<unknown>;
  resolve: (r: WriteResult<unknown>) => void;
  reject: (e: unknown) => void;
  /** Drafts of an earlier attempt of which a prefix is already stored: finish them, don't rebuild. */
  remaining?: ReceiptDraft[];
  stored?: Receipt[];
  finish?: (receipts: Receipt[]) => unknown;
  attempt: number;
}

type Signer = { keyId: string; privateKey: KeyObject };
/** A key receipt's draft knows which key signs the receipts after it. */
type KeyDraft = ReceiptDraft & { signerAfter?: Signer };

interface Clock {
  now(): Date;
}

export interface TenantChainWriterOptions {
  store: EventStore;
  vault: KeyVault;
  kek: Buffer;
  region: string;
  clock?: Clock;
  /** How many jobs one append may carry (group commit). */
  maxBatch?: number;
  /** Rebuild attempts after losing a race to another instance. */
  maxAttempts?: number;
  /** Aggregate subjects whose latest receipt builds may read through `BuildContext.setting`. */
  settingsSubjects?: readonly string[];
}

/**
 * The only writer of tenant streams. Per tenant it keeps the head (sequence, hash, key) in memory,
 * queues commands, and group-commits them: each queued build turns into receipt drafts, which are
 * chained (`sequence`, `prevEventHash`, `prevReceiptHash`), signed and appended with the expected
 * head. When another instance wrote first, it re-reads the stream, keeps whatever of its own was
 * stored, and rebuilds the rest on fresh state (bounded).
 */
export class TenantChainWriter {
  private readonly states = new Map<string, TenantState>();
  private readonly queues = new Map<string, Job[]>();
  private readonly draining = new Set<string>();
  private readonly clock: Clock;
  private readonly maxBatch: number;
  private readonly maxAttempts: number;
  private readonly settingsSubjects: ReadonlySet<string>;

  constructor(private readonly options: TenantChainWriterOptions) {
    this.settingsSubjects = new Set(options.settingsSubjects ?? []);
    this.clock = options.clock ?? { now: () => new Date() };
    this.maxBatch = options.maxBatch ?? 256;
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  /** Queues `build` for the tenant and resolves once its receipts are durably appended. */
  write<T>(tenantId: string, build: Build<T>): Promise<WriteResult<T>> {
    return new Promise<WriteResult<T>>((resolve, reject) => {
      const queue = this.queues.get(tenantId) ?? [];
      this.queues.set(tenantId, queue);
      queue.push({ build: build as Build<unknown>, resolve: resolve as Job['resolve'], reject, attempt: 0 });
      if (!this.draining.has(tenantId)) void this.drain(tenantId);
    });
  }

  /** Appends a `key.rotated` receipt (signed by the outgoing key) and switches signing to a new key. */
  async rotateKey(tenantId: string): Promise<{ newKeyId: string; previousActiveKeyId: string | null; rotatedAt: string }> {
    const { value } = await this.write(tenantId, async () => {
      const state = await this.loadState(tenantId);
      const previous = state.keyring?.activeKeyId ?? null;
      const key = generateSigningKey();
      await this.options.vault.put(tenantId, key.keyId, sealPrivateKey(key.privateKeyPem, this.options.kek, key.keyId));
      const now = this.clock.now().toISOString();
      const ring = state.keyring ? rotatedKeyring(state.keyring, tenantId, key.keyId, key.publicKeyPem, now) : firstKeyring(tenantId, key.keyId, key.publicKeyPem, now);
      const draft: KeyDraft = keyDraft(state.keyring ? KEY_ROTATED : KEY_GENERATED, tenantId, ring, { newKeyId: key.keyId, previousKeyId: previous });
      draft.signerAfter = { keyId: key.keyId, privateKey: key.privateKey };
      return { drafts: [draft], finish: () => ({ newKeyId: key.keyId, previousActiveKeyId: previous, rotatedAt: now }) };
    });
    return value;
  }

  /** The tenant's key ring as of the last receipt this writer knows (loads it from the stream if needed). */
  async keyring(tenantId: string): Promise<Keyring | null> {
    return (await this.loadState(tenantId)).keyring;
  }

  /** Commands waiting in the tenant queues (saturation signal). */
  queueDepth(): number {
    let depth = 0;
    for (const queue of this.queues.values()) depth += queue.length;
    return depth;
  }

  /** The last sequence this writer appended or loaded for the tenant (undefined when not cached). */
  knownHead(tenantId: string): number | undefined {
    return this.states.get(tenantId)?.sequence;
  }

  /**
   * Read-only: the setting receipt this writer holds in memory for the tenant (what its next decision
   * would use), null when the tenant has none, undefined when the tenant is not cached. For the
   * policy-drift check (libs/ops); it never loads anything.
   */
  setting(tenantId: string, subject: string): Receipt | null | undefined {
    const state = this.states.get(tenantId);
    return state ? state.settings.get(subject) ?? null : undefined;
  }

  /** Forgets cached heads (tests and operators use this after external changes). */
  reset(tenantId?: string): void {
    if (tenantId) this.states.delete(tenantId);
    else this.states.clear();
  }

  private async drain(tenantId: string): Promise<void> {
    this.draining.add(tenantId);
    try {
      const queue = this.queues.get(tenantId)!;
      while (queue.length > 0) {
        // Group commit: let requests that already arrived reach the queue before the batch is cut.
        // An append that completes without yielding to I/O (PGlite runs in this thread) would
        // otherwise carry one command at a time however many wait.
        await gatherTurn();
        const batch = queue.splice(0, this.maxBatch);
        await this.runBatch(tenantId, batch);
      }
    } finally {
      this.draining.delete(tenantId);
      const queue = this.queues.get(tenantId);
      if (queue && queue.length > 0) void this.drain(tenantId);
      else this.queues.delete(tenantId);
    }
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
    try {
      state = await this.loadState(tenantId);
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return [];
    }
    const planned: Array<{ job: Job; drafts: ReceiptDraft[]; finish: (r: Receipt[]) => unknown }> = [];
    const prefix: ReceiptDraft[] = [];
    if (!state.keyring) {
      try {
        prefix.push(await this.firstKeyDraft(tenantId, state));
      } catch (err) {
        this.states.delete(tenantId);
        for (const job of jobs) job.reject(err);
        return [];
      }
    }
    // Builds only read (existence checks, state): run them side by side so one slow read does not
    // add up across the group.
    const built = await Promise.allSettled(
      jobs.map(async (job) => (job.remaining ? null : job.build({ tenantId, attempt: job.attempt, setting: (subject) => state.settings.get(subject) ?? null }))),
    );
    jobs.forEach((job, i) => {
      const outcome = built[i]!;
      if (job.remaining) {
        const stored = job.stored ?? [];
        const finishPrev = job.finish!;
        planned.push({ job, drafts: job.remaining, finish: (r) => finishPrev([...stored, ...r]) });
      } else if (outcome.status === 'rejected') {
        job.reject(outcome.reason);
      } else if (outcome.value) {
        planned.push({ job, drafts: outcome.value.drafts, finish: outcome.value.finish });
      }
    });
    // Two queued commands for one id (a raced retry) must not land in one append: the later one
    // waits for the next round, where it finds the first one's receipts. Jobs queued after one that
    // changes a setting were built on the old setting, so they wait for the next round too.
    // Likewise a job that continues an aggregate (subject) an earlier job of this round also writes:
    // both were built on the same snapshot, so the later one is rebuilt after the first lands.
    const ids = new Set<string>();
    const subjects = new Set<string>();
    const deferred: Job[] = [];
    let settingChanged = false;
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      if (settingChanged || p.drafts.some((d) => ids.has(d.receiptId) || subjects.has(d.subject))) {
        deferred.push(p.job);
        planned.splice(i--, 1);
        continue;
      }
      for (const d of p.drafts) {
        ids.add(d.receiptId);
        subjects.add(d.subject);
      }
      if (p.drafts.some((d) => this.settingsSubjects.has(d.subject))) settingChanged = true;
    }
    const drafts = [...prefix, ...planned.flatMap((p) => p.drafts)];
    const receipts = this.chain(tenantId, state, drafts, planned.flatMap((p) => p.job.stored ?? []));
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
        this.advance(state, receipts, drafts);
      }
    } catch (err) {
      this.states.delete(tenantId);
      return [...(await this.recover(tenantId, planned, receipts, startSequence, err)), ...deferred];
    }
    let offset = prefix.length;
    for (const p of planned) {
      const own = receipts.slice(offset, offset + p.drafts.length);
      offset += p.drafts.length;
      try {
        p.job.resolve({ value: p.finish(own), position: own.length ? own[own.length - 1]!.sequence : state.sequence });
      } catch (err) {
        p.job.reject(err);
      }
    }
    return deferred;
  }

  /** After a failed append: find what was stored, finish those jobs, and return the ones to retry. */
  private async recover(
    tenantId: string,
    planned: Array<{ job: Job; drafts: ReceiptDraft[]; finish: (r: Receipt[]) => unknown }>,
    receipts: Receipt[],
    startSequence: number,
    err: unknown,
  ): Promise<Job[]> {
    let storedIds: Map<string, Receipt>;
    try {
      const back = await this.options.store.read(tenantId, { from: startSequence + 1, limit: receipts.length + 1000 });
      storedIds = new Map(back.map((e) => [e.id, e.data as unknown as Receipt]));
    } catch (readErr) {
      for (const p of planned) p.job.reject(err instanceof ConcurrencyError ? readErr : err);
      return [];
    }
    // A receipt under one of our ids is ours only when it is the very receipt this attempt built
    // (same hash): another instance's receipt for the same idempotent command is its decision, not
    // ours, and the job is built again on the fresh head (where it finds that decision).
    const attempted = new Map(receipts.map((r) => [r.receiptId, r.integrity.receiptHash]));
    const retry: Job[] = [];
    for (const p of planned) {
      const found = p.drafts.map((d) => storedIds.get(d.receiptId)).filter((r): r is Receipt => !!r);
      const stored = found.filter((r) => r.integrity?.receiptHash === attempted.get(r.receiptId));
      const prior = p.job.stored ?? [];
      if (stored.length < found.length) {
        if (prior.length > 0 || stored.length > 0 || p.job.attempt + 1 >= this.maxAttempts) {
          p.job.reject(new ConcurrencyError(tenantId, startSequence));
          continue;
        }
        p.job.attempt += 1;
        p.job.remaining = undefined;
        retry.push(p.job);
        continue;
      }
      if (stored.length === p.drafts.length) {
        const all = [...prior, ...stored];
        p.job.resolve({ value: p.finish(all), position: all[all.length - 1]?.sequence ?? startSequence });
        continue;
      }
      if (!(err instanceof ConcurrencyError) || p.job.attempt + 1 >= this.maxAttempts) {
        p.job.reject(err);
        continue;
      }
      p.job.attempt += 1;
      if (stored.length > 0 || p.job.remaining) {
        // A prefix of this job is committed: its decision stands, so finish it rather than rebuild.
        const storedSet = new Set(stored.map((r) => r.receiptId));
        p.job.remaining = p.drafts.filter((d) => !storedSet.has(d.receiptId));
        p.job.stored = [...prior, ...stored];
        p.job.finish = p.finish;
      }
      retry.push(p.job);
    }
    return retry;
  }

  /**
   * Chains the drafts after the head (sequence, timestamps, prevEventHash and prevReceiptHash) and
   * signs them. Signing stays on this thread: measured under load, handing batches to a worker thread
   * cost more (message passing and thread wake-ups) than the ~40 µs per signature it saved.
   */
  private chain(tenantId: string, state: TenantState, drafts: ReceiptDraft[], alreadyStored: Receipt[]): Receipt[] {
    if (drafts.length === 0) return [];
    if (!state.signer) throw new Error(`no signing key loaded for ${tenantId}`);
    const actionHashes = new Map<string, string>();
    for (const r of alreadyStored) if (r.actionId) actionHashes.set(r.actionId, r.integrity.receiptHash);
    let prevHash = state.lastHash;
    let sequence = state.sequence;
    let timestamp = this.timestamp(state.lastTimestamp);
    let signer = state.signer;
    const out: Receipt[] = [];
    for (const d of drafts) {
      sequence += 1;
      const prevReceiptHash = d.prevReceiptHash !== undefined ? d.prevReceiptHash : d.actionId ? actionHashes.get(d.actionId) ?? null : null;
      const unsigned: UnsignedReceipt = {
        receiptId: d.receiptId,
        version: RECEIPT_VERSION,
        tenantId,
        region: this.options.region,
        sequence,
        type: d.type,
        timestamp,
        actionId: d.actionId,
        actor: d.actor,
        resource: d.resource,
        policy: d.policy,
        risk: d.risk,
        inputHash: d.inputHash,
        telemetry: d.telemetry,
        data: d.data,
        integrity: { prevEventHash: prevHash, prevReceiptHash, signingKeyId: signer.keyId, signatureAlg: 'Ed25519' },
      };
      const receipt = signReceipt(unsigned, signer);
      out.push(receipt);
      prevHash = receipt.integrity.receiptHash;
      if (d.actionId) actionHashes.set(d.actionId, prevHash);
      // After a key receipt, later receipts are signed by the ring's active key.
      if (d.type === KEY_GENERATED || d.type === KEY_ROTATED) {
        const pending = (d as KeyDraft).signerAfter;
        if (pending) signer = pending;
      }
    }
    return out;
  }

  private advance(state: TenantState, receipts: Receipt[], drafts: ReceiptDraft[]): void {
    const last = receipts[receipts.length - 1]!;
    state.sequence = last.sequence;
    state.lastHash = last.integrity.receiptHash;
    state.lastTimestamp = last.timestamp;
    drafts.forEach((d, i) => {
      if (this.settingsSubjects.has(d.subject)) state.settings.set(d.subject, receipts[i]!);
      if (d.type === KEY_GENERATED || d.type === KEY_ROTATED) {
        state.keyring = keyringFromReceipt(receipts[i]!);
        const next = (d as KeyDraft).signerAfter;
        if (next) state.signer = next;
      }
    });
  }

  private timestamp(last: string): string {
    const now = this.clock.now().toISOString();
    return now > last ? now : last;
  }

  private async loadState(tenantId: string): Promise<TenantState> {
    const cached = this.states.get(tenantId);
    if (cached) return cached;
    const { store } = this.options;
    // Head first, then the settings: a setting newer than the head means the stream moved while
    // loading, so load again; otherwise every setting is the latest as of the head.
    let head;
    let keyEvent;
    const settings = new Map<string, Receipt>();
    for (;;) {
      head = await store.head(tenantId);
      const subjects = [KEYRING_SUBJECT, ...this.settingsSubjects];
      const found = await Promise.all(subjects.map((subject) => store.lastBySubject(tenantId, subject)));
      if (found.some((e) => e && e.sequence > head!.sequence)) continue;
      keyEvent = found[0];
      settings.clear();
      found.slice(1).forEach((e, i) => e && settings.set(subjects[i + 1]!, e.data as unknown as Receipt));
      break;
    }
    const last = head.last ? (head.last.data as unknown as Receipt) : null;
    const keyring = keyringFromReceipt(keyEvent ? (keyEvent.data as unknown as Receipt) : null);
    const state: TenantState = {
      settings,
      sequence: head.sequence,
      lastHash: last?.integrity.receiptHash ?? null,
      lastTimestamp: last?.timestamp ?? '',
      keyring,
      signer: keyring ? await this.openSigner(tenantId, keyring.activeKeyId) : null,
    };
    this.states.set(tenantId, state);
    return state;
  }

  private async openSigner(tenantId: string, keyId: string): Promise<Signer> {
    const sealed = await this.options.vault.get(tenantId, keyId);
    if (!sealed) throw new SigningKeyUnavailableError(tenantId, keyId);
    return { keyId, privateKey: createPrivateKey(openPrivateKey(sealed, this.options.kek, keyId)) };
  }

  /** The tenant's first receipt: `key.generated`, signed by the key it introduces. */
  private async firstKeyDraft(tenantId: string, state: TenantState): Promise<ReceiptDraft> {
    const key = generateSigningKey();
    await this.options.vault.put(tenantId, key.keyId, sealPrivateKey(key.privateKeyPem, this.options.kek, key.keyId));
    const ring = firstKeyring(tenantId, key.keyId, key.publicKeyPem, this.clock.now().toISOString());
    state.signer = { keyId: key.keyId, privateKey: key.privateKey };
    state.keyring = ring; // discarded with the state if the append fails
    return keyDraft(KEY_GENERATED, tenantId, ring, { newKeyId: key.keyId, previousKeyId: null });
  }
}

/** One turn of the event loop (its I/O phase included). */
function gatherTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function keyDraft(type: string, tenantId: string, ring: Keyring, facts: { newKeyId: string; previousKeyId: string | null }): ReceiptDraft {
  return aggregateDraft(derivedId('rcpt', tenantId, type, facts.newKeyId), type, KEYRING_SUBJECT, { keyring: ring, ...facts });
}
