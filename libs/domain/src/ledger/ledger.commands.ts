/** Attest the stream's current prefix with a signed Merkle checkpoint (a timer, an export, a proof request). */
export interface AppendCheckpoint {
  readonly type: 'AppendCheckpoint';
  readonly data: { readonly tenantId: string };
  readonly metadata: { readonly now: string };
}

export type LedgerCommand = AppendCheckpoint;
