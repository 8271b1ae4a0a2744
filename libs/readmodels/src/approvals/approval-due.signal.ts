type Listener = (dueAtMs: number) => void;

const listeners = new Set<Listener>();

/**
 * In-process wake-up hint: the approvals projection announces the due time of every approval it
 * writes, so a sleeping timer can wake earlier than planned. A hint only — it fires inside the
 * projection's transaction, before commit — so listeners MUST re-read the read model.
 */
export function onApprovalDue(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function signalApprovalDue(dueAtMs: number): void {
  for (const listener of listeners) listener(dueAtMs);
}
