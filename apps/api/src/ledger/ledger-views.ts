import { PLATFORM_STREAM } from '@oars/eventstore';
import { INTEGRITY_VIOLATION_DETECTED, type IntegrityRecord, listIntegrityRecords } from '@oars/ops';
import { listReceipts } from '@oars/readmodels';
import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';

/** Findings listed per stream in `errors` at most (the stream holds them all as receipts). */
const FINDINGS_LISTED = 100;

export interface StreamHeadView {
  tenantId: string;
  lastSequence: number;
  lastReceiptHash: string | null;
  lastReceiptAt: string | null;
}

/** The streams a caller sees: its tenants that the store holds, then the platform stream where it exists. */
function visibleStreams(known: ReadonlySet<string>, tenantIds: readonly string[]): { tenants: string[]; platform: boolean } {
  return { tenants: tenantIds.filter((t) => known.has(t)).sort(), platform: known.has(PLATFORM_STREAM) };
}

/**
 * OARS v1 #41 from the streams: `path` names the event store (never a file path or a URL with
 * credentials), `totalEntries` sums the heads of the streams shown, `lastSequence` and
 * `lastEntryHash` are those of the stream written last. Per stream: its head receipt.
 */
export async function ledgerStatus(runtime: Runtime, tenantIds: readonly string[]) {
  const { store, config } = runtime;
  const heads = new Map((await store.listStreams()).filter((s) => s.lastSequence > 0).map((s) => [s.stream, s.lastSequence]));
  const visible = visibleStreams(new Set(heads.keys()), tenantIds);
  const headOf = async (tenantId: string): Promise<StreamHeadView> => {
    const head = await store.head(tenantId);
    const r = head.last?.data as Partial<Receipt> | undefined;
    return { tenantId, lastSequence: head.sequence, lastReceiptHash: r?.integrity?.receiptHash ?? null, lastReceiptAt: r?.timestamp ?? null };
  };
  const streams = await Promise.all(visible.tenants.map(headOf));
  const platform = visible.platform ? await headOf(PLATFORM_STREAM) : null;
  const shown = platform ? [...streams, platform] : streams;
  const latest = shown.reduce<StreamHeadView | null>((a, b) => (a && (a.lastReceiptAt ?? '') >= (b.lastReceiptAt ?? '') ? a : b), null);
  return {
    path: config.eventStore === 'jetstream' ? `jetstream://${config.streamPrefix}_${config.region.toUpperCase()}` : 'embedded',
    totalEntries: shown.reduce((sum, s) => sum + s.lastSequence, 0),
    lastSequence: latest?.lastSequence ?? 0,
    lastEntryHash: latest?.lastReceiptHash ?? null,
    streams,
    platform,
  };
}

/**
 * OARS v1 #43 from what the integrity verifier has stored (its records and the findings it recorded
 * as `integrity.violation_detected` receipts): no stream is read again. `isValid` is false once a
 * finding is recorded in a stream shown; `complete` says whether every stream is checked to its head.
 */
export async function ledgerVerification(runtime: Runtime, tenantIds: readonly string[]) {
  const [records, listed] = await Promise.all([listIntegrityRecords(runtime.sql), runtime.store.listStreams()]);
  const heads = new Map(listed.map((s) => [s.stream, s.lastSequence]));
  const visible = visibleStreams(new Set([...heads.keys(), ...records.keys()]), tenantIds);
  const viewOf = (tenantId: string) => {
    const record: IntegrityRecord | undefined = records.get(tenantId);
    const checkedThrough = record?.at.position ?? 0;
    const head = Math.max(heads.get(tenantId) ?? 0, checkedThrough);
    return {
      tenantId,
      checkedThrough,
      lastCheckedHash: record?.at.lastHash ?? null,
      head,
      lagEvents: head - checkedThrough,
      lastCheckedAt: record?.checkedAt ?? null,
      lastResult: record?.lastResult ?? null,
      findingsTotal: record?.findingsTotal ?? 0,
      lastFinding: record?.lastFinding ?? null,
    };
  };
  const streams = visible.tenants.map(viewOf);
  const platform = visible.platform ? viewOf(PLATFORM_STREAM) : null;
  const shown = platform ? [...streams, platform] : streams;
  const errors = (await Promise.all(shown.filter((s) => s.findingsTotal > 0 || s.lastResult === 'violations').map((s) => findingsOf(runtime, s)))).flat();
  const latest = shown.reduce<(typeof shown)[number] | null>((a, b) => (a && (a.lastCheckedAt ?? '') >= (b.lastCheckedAt ?? '') ? a : b), null);
  return {
    isValid: errors.length === 0,
    checkedEntries: shown.reduce((sum, s) => sum + s.checkedThrough, 0),
    lastSequence: latest?.checkedThrough ?? 0,
    lastEntryHash: latest?.lastCheckedHash ?? null,
    errors,
    complete: shown.every((s) => s.lagEvents === 0),
    verifier: runtime.ops.integrity?.status() ?? { state: 'NOT_RUNNING_HERE', message: 'The integrity verifier runs in the process that runs the projector.' },
    streams,
    platform,
  };
}

/** The findings recorded in a stream, as `<stream> sequence <n>: <kind>: <detail>` (from the receipts read model; the record's last finding while it catches up). */
async function findingsOf(runtime: Runtime, s: { tenantId: string; findingsTotal: number; lastFinding: { sequence: number; kind: string; detail: string } | null }): Promise<string[]> {
  const page = await listReceipts(runtime.sql, { tenantId: s.tenantId, type: INTEGRITY_VIOLATION_DETECTED, limit: FINDINGS_LISTED });
  const found = page.items.map((r) => r.data as { sequence: number; kind: string; detail: string }).sort((a, b) => a.sequence - b.sequence);
  const listed = found.length > 0 ? found : s.lastFinding ? [s.lastFinding] : [];
  const lines = listed.map((f) => `${s.tenantId} sequence ${f.sequence}: ${f.kind}: ${f.detail}`);
  if (s.findingsTotal > lines.length) lines.push(`${s.tenantId}: ${s.findingsTotal - lines.length} more finding(s) (oars replay --tenant ${s.tenantId} --verify lists them all).`);
  return lines.length > 0 ? lines : [`${s.tenantId}: integrity violations recorded.`];
}
