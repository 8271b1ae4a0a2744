import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { KEYRING_SUBJECT, keyringFromReceipt } from '../keyring';
import type { KeyCustody } from './key-custody';
import type { TenantState } from './chain-writer.types';
import { receiptOf } from '../commands/stored-receipt';

/**
 * The heads the writer appends after, one per tenant, loaded from the stream on first use and kept
 * in memory. A head is dropped whenever an append fails: the next attempt reloads it.
 */
export class TenantHeads {
  private readonly states = new Map<string, TenantState>();

  constructor(
    private readonly store: EventStore,
    private readonly custody: KeyCustody,
    private readonly settingsSubjects: ReadonlySet<string>,
  ) {}

  /** The cached head, if any: never loads. */
  cached(tenantId: string): TenantState | undefined {
    return this.states.get(tenantId);
  }

  forget(tenantId?: string): void {
    if (tenantId) this.states.delete(tenantId);
    else this.states.clear();
  }

  /** The tenant's head (sequence, hash, timestamp, settings, key ring and signer). */
  async load(tenantId: string): Promise<TenantState> {
    const cached = this.states.get(tenantId);
    if (cached) return cached;
    const { store } = this;
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
      found.slice(1).forEach((e, i) => e && settings.set(subjects[i + 1]!, receiptOf(e)));
      break;
    }
    const last = head.last ? receiptOf(head.last) : null;
    const keyring = keyringFromReceipt(keyEvent ? receiptOf(keyEvent) : null);
    const state: TenantState = {
      settings,
      sequence: head.sequence,
      lastHash: last?.integrity.receiptHash ?? null,
      lastTimestamp: last?.timestamp ?? '',
      keyring,
      signer: keyring ? await this.custody.openSigner(tenantId, keyring.activeKeyId) : null,
    };
    this.states.set(tenantId, state);
    return state;
  }
}
