import type { KeyObject } from 'node:crypto';
import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import type { KeyVault } from '../key-vault.port';
import type { Keyring } from '../keyring';
import type { ReceiptDraft } from '../receipt-draft';

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
  /**
   * The head the builds of this attempt run on: its sequence (0 for an empty stream) and the
   * receiptHash stored there. The drafts land after it (possibly after other builds' drafts of the
   * same group commit), so a build that attests the stream (a checkpoint) covers exactly this prefix.
   */
  head: { sequence: number; receiptHash: string | null };
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

export interface Clock {
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

export type Signer = { keyId: string; privateKey: KeyObject };
/** A key receipt's draft knows which key signs the receipts after it. */
export type KeyDraft = ReceiptDraft & { signerAfter?: Signer };

/** What the writer holds in memory per tenant: the head it appends after. */
export interface TenantState {
  settings: Map<string, Receipt>;
  sequence: number;
  lastHash: string | null;
  lastTimestamp: string;
  keyring: Keyring | null;
  signer: Signer | null;
}

/** One queued write. */
export interface Job {
  build: Build<unknown>;
  resolve: (r: WriteResult<unknown>) => void;
  reject: (e: unknown) => void;
  /** Drafts of an earlier attempt of which a prefix is already stored: finish them, don't rebuild. */
  remaining?: ReceiptDraft[];
  stored?: Receipt[];
  finish?: (receipts: Receipt[]) => unknown;
  attempt: number;
}

/** A job with the drafts of this attempt. */
export interface PlannedJob {
  job: Job;
  drafts: ReceiptDraft[];
  finish: (r: Receipt[]) => unknown;
}
