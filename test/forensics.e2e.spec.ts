import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayEventLine, ReplaySummary } from '@oars/ops';
import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { verifyCommand, type VerifyReport } from '../apps/cli/src/commands/verify.command';
import { HOSTILE, urlEncode, urlText } from './support/hostile-values';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import type { StoreMode } from './support/test-runtime';
import { startTestApp } from './support/test-app';
import { until } from './support/until';

const REPLAY = '/v1/admin/forensics/replay';
/** Hostile values short enough for a URL. */
const HOSTILE_IN_URL = HOSTILE.filter((h) => h.json.length < 2048);
const HEX64 = /^[0-9a-f]{64}$/;

describe.each<StoreMode>(['embedded', 'jetstream'])('forensic replay and the ledger routes over HTTP (%s)', (mode) => {
  let http: TestHttp;
  let runtime: Runtime;
  let close: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    ({ runtime, http, close } = await startTestApp(mode));
    dir = mkdtempSync(join(tmpdir(), 'oars-forensics-'));
    for (let i = 0; i < 6; i++) expect((await http.post('/v1/actions', actionBody(), ADMIN)).status).toBe(202);
    for (let i = 0; i < 2; i++) expect((await http.post('/v1/actions', actionBody({ tenantId: 'tenant_bravo' }), ADMIN)).status).toBe(202);
  });

  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const headOf = async (tenant: string) => (await runtime.store.head(tenant)).sequence;

  /** The replay's body as text and as lines (the summary last). */
  async function replay(query: string, token = ADMIN) {
    const res = await fetch(`${http.baseUrl}${REPLAY}?${query}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    expect({ status: res.status, type: res.headers.get('content-type'), chunked: res.headers.get('transfer-encoding') }).toEqual({ status: 200, type: 'application/x-ndjson; charset=utf-8', chunked: 'chunked' });
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as ReplayEventLine | { summary: ReplaySummary });
    const { summary } = lines.pop() as { summary: ReplaySummary };
    return { text, events: lines as ReplayEventLine[], summary };
  }

  /** A 400 in the envelope naming `field`. */
  function expectBadField(res: { status: number; body: any }, field: string, what: string): void {
    const e = res.body?.error;
    expect({ what, status: res.status, code: e?.code, field: e?.details?.[0]?.field, named: String(e?.message).includes(field), requestId: typeof e?.requestId }).toEqual({
      what, status: 400, code: 'validation_error', field, named: true, requestId: 'string',
    });
  }

  it('replays a whole stream, a sub-range and a time window, verified, and oars verify accepts the output', async () => {
    const head = await headOf('tenant_alpha');
    const whole = await replay('tenantId=tenant_alpha');
    expect(whole.events.map((l) => l.sequence)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(whole.events.every((l) => l.verification.ok && (l.receipt as Receipt).receiptId === l.receiptId)).toBe(true);
    expect(whole.events[0]).toMatchObject({ type: 'key.generated', verification: { ok: true, findings: [] } });
    expect(whole.summary).toMatchObject({ tenantId: 'tenant_alpha', fromSequence: 1, toSequence: head, events: head, ok: true, trust: 'stream', findings: 0, gaps: [], brokenLinks: [], badSignatures: [], unknownKeys: [], malformed: [] });

    const part = await replay('tenantId=tenant_alpha&fromSequence=3&toSequence=7');
    expect(part.events.map((l) => l.sequence)).toEqual([3, 4, 5, 6, 7]);
    expect(part.events).toEqual(whole.events.slice(2, 7));
    expect(part.summary).toMatchObject({ fromSequence: 3, toSequence: 7, events: 5, ok: true, trust: 'keyring' });
    expect((await replay(`tenantId=tenant_alpha&fromSequence=${head - 1}&toSequence=${head + 1000}`)).summary).toMatchObject({ fromSequence: head - 1, toSequence: head, events: 2, ok: true });

    const from = whole.events[3]!.timestamp!;
    const to = whole.events[8]!.timestamp!;
    const inWindow = whole.events.filter((l) => l.timestamp! >= from && l.timestamp! <= to).map((l) => l.sequence);
    const window = await replay(`tenantId=tenant_alpha&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(window.events.map((l) => l.sequence)).toEqual(inWindow);
    expect(window.summary).toMatchObject({ fromSequence: inWindow[0], toSequence: inWindow[inWindow.length - 1], ok: true });
    const empty = await replay('tenantId=tenant_alpha&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z');
    expect(empty).toMatchObject({ events: [], summary: { events: 0, ok: true } });

    const receiptsFile = join(dir, `${mode}-alpha.ndjson`);
    const keysFile = join(dir, `${mode}-alpha-keys.json`);
    writeFileSync(receiptsFile, whole.text);
    writeFileSync(keysFile, JSON.stringify((await http.get('/v1/trust/tenants/tenant_alpha/keys')).body));
    const out: string[] = [];
    const code = await verifyCommand([receiptsFile, '--keys', keysFile, '--expect-first-sequence', '1', '--json'], { out: (l) => out.push(l), err: () => undefined });
    const report = JSON.parse(out.join('\n')) as VerifyReport;
    expect({ code, checked: report.checked, errors: report.verificationErrors }).toEqual({ code: 0, checked: head, errors: [] });
  });

  it('refuses a bad range with a 400 naming the field, and answers 404 for a stream the token does not reach', async () => {
    const head = await headOf('tenant_alpha');
    const cases: Array<[string, string]> = [
      ['fromSequence=abc', 'fromSequence'],
      ['fromSequence=1.5', 'fromSequence'],
      ['fromSequence=0', 'fromSequence'],
      ['toSequence=-3', 'toSequence'],
      ['fromSequence=5&toSequence=3', 'fromSequence'],
      [`fromSequence=${head + 1}`, 'fromSequence'],
      ['fromSequence=1&from=2026-01-01T00:00:00Z', 'from'],
      ['toSequence=4&to=2026-01-01T00:00:00Z', 'to'],
      ['from=yesterday', 'from'],
      ['to=2026-01-01', 'to'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['limit=5', 'limit'],
    ];
    for (const [query, field] of cases) expectBadField(await http.get(`${REPLAY}?tenantId=tenant_alpha&${query}`, ADMIN), field, query);
    expectBadField(await http.get(REPLAY, ADMIN), 'tenantId', 'no tenantId');
    for (const tenant of ['tenant_nobody', 'tenant_enterprise', '_platform']) {
      const res = await http.get(`${REPLAY}?tenantId=${tenant}`, ADMIN);
      expect({ tenant, status: res.status, code: res.body.error.code }).toEqual({ tenant, status: 404, code: 'not_found' });
    }
    expect((await http.get(`${REPLAY}?tenantId=tenant_alpha`, AUDITOR)).status).toBe(403);
    expect((await http.get(`${REPLAY}?tenantId=tenant_alpha`, OPERATOR)).status).toBe(403);
    expect((await http.get(`${REPLAY}?tenantId=tenant_alpha`)).status).toBe(401);
  });

  it('rejects hostile strings in every query field of the replay and the entries routes', async () => {
    for (const h of HOSTILE_IN_URL) {
      const value = urlEncode(urlText(h));
      for (const [path, field, rest] of [
        [REPLAY, 'fromSequence', 'tenantId=tenant_alpha'],
        [REPLAY, 'from', 'tenantId=tenant_alpha'],
        [REPLAY, 'to', 'tenantId=tenant_alpha'],
        ['/v1/admin/ledger/entries', 'beforeSequence', 'tenantId=tenant_alpha'],
        ['/v1/admin/ledger/entries', 'limit', 'tenantId=tenant_alpha'],
      ] as const) {
        expectBadField(await http.get(`${path}?${rest}&${field}=${value}`, ADMIN), field, `${path} ${field}=${h.name}`);
      }
      for (const path of [REPLAY, '/v1/admin/ledger/entries']) {
        const res = await http.get(`${path}?tenantId=${value}`, ADMIN);
        // A value that happens to be a well-formed id (`true`, `-0`) is a tenant the token does not hold.
        if (res.status === 404) expect(/^[A-Za-z0-9_-]{1,64}$/.test(urlText(h))).toBe(true);
        else expectBadField(res, 'tenantId', `${path} tenantId=${h.name}`);
      }
    }
  });

  it('answers the ledger status from the stream heads (admins only)', async () => {
    const res = await http.get('/v1/admin/ledger/status', ADMIN);
    expect(res.status).toBe(200);
    const alpha = await runtime.store.head('tenant_alpha');
    const bravo = await runtime.store.head('tenant_bravo');
    const s = res.body;
    expect(s.path).toEqual(mode === 'embedded' ? 'embedded' : expect.stringMatching(/^jetstream:\/\/E2E\w*_TEST$/));
    expect(s.streams).toEqual([
      { tenantId: 'tenant_alpha', lastSequence: alpha.sequence, lastReceiptHash: (alpha.last!.data as unknown as Receipt).integrity.receiptHash, lastReceiptAt: expect.any(String) },
      { tenantId: 'tenant_bravo', lastSequence: bravo.sequence, lastReceiptHash: (bravo.last!.data as unknown as Receipt).integrity.receiptHash, lastReceiptAt: expect.any(String) },
    ]);
    expect(s.totalEntries).toBe(alpha.sequence + bravo.sequence + (s.platform?.lastSequence ?? 0));
    expect(s.lastEntryHash).toMatch(HEX64);
    expect([alpha.sequence, bravo.sequence, s.platform?.lastSequence]).toContain(s.lastSequence);
    expect((await http.get('/v1/admin/ledger/status', AUDITOR)).status).toBe(403);
    expect((await http.get('/v1/admin/ledger/status', OPERATOR)).status).toBe(403);
  });

  it('pages the ledger entries of a tenant newest first, from the stream', async () => {
    const head = await headOf('tenant_alpha');
    const first = await http.get('/v1/admin/ledger/entries?tenantId=tenant_alpha&limit=5', AUDITOR);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(head);
    expect(first.body.items.map((e: { sequence: number }) => e.sequence)).toEqual([head, head - 1, head - 2, head - 3, head - 4]);
    const entry = first.body.items[1];
    const r = entry.payload as Receipt;
    expect(entry).toEqual({
      entryId: r.receiptId, sequence: head - 1, tenantId: 'tenant_alpha', entityType: 'receipt', entityId: r.receiptId,
      occurredAt: r.timestamp, appendedAt: r.timestamp, prevEntryHash: r.integrity.prevEventHash, payloadHash: expect.stringMatching(HEX64), entryHash: r.integrity.receiptHash, payload: r,
    });
    expect(first.body.items[0].prevEntryHash).toBe(entry.entryHash);
    const next = await http.get(`/v1/admin/ledger/entries?tenantId=tenant_alpha&limit=500&beforeSequence=${first.body.nextBeforeSequence}`, AUDITOR);
    expect(next.body.items.map((e: { sequence: number }) => e.sequence)).toEqual(Array.from({ length: head - 5 }, (_, i) => head - 5 - i));
    expect(next.body.nextBeforeSequence).toBeNull();
    expect((await http.get('/v1/admin/ledger/entries?tenantId=tenant_alpha', ADMIN)).body.items).toHaveLength(Math.min(100, head));
    for (const [query, field] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['beforeSequence=0', 'beforeSequence'], ['beforeSequence=x', 'beforeSequence']]) {
      expectBadField(await http.get(`/v1/admin/ledger/entries?tenantId=tenant_alpha&${query}`, ADMIN), field!, query!);
    }
    expect((await http.get('/v1/admin/ledger/entries?tenantId=tenant_enterprise', AUDITOR)).status).toBe(404);
    expect((await http.get('/v1/admin/ledger/entries?tenantId=tenant_alpha', OPERATOR)).status).toBe(403);
  });

  it('answers ledger verify from the integrity verifier, and replay and verify both name a forged receipt', async () => {
    const clean = await until('the verifier checked both tenants to their heads', async () => {
      const body = (await http.get('/v1/admin/ledger/verify', ADMIN)).body;
      const checked = (t: string) => body.streams.find((s: { tenantId: string }) => s.tenantId === t);
      return checked('tenant_alpha')?.lagEvents === 0 && checked('tenant_bravo')?.lagEvents === 0 && checked('tenant_alpha').checkedThrough > 0 && body;
    });
    expect(clean).toMatchObject({ isValid: true, errors: [], lastEntryHash: expect.stringMatching(HEX64) });
    expect(clean.checkedEntries).toBeGreaterThanOrEqual((await headOf('tenant_alpha')) + (await headOf('tenant_bravo')));
    expect(clean.streams[0]).toMatchObject({ tenantId: 'tenant_alpha', lastResult: 'ok', findingsTotal: 0, lastFinding: null });
    expect((await http.get('/v1/admin/ledger/verify', AUDITOR)).status).toBe(403);

    // A receipt appended behind the chain writer's back: another prevEventHash and content its signature does not cover.
    const { sequence, last } = await runtime.store.head('tenant_bravo');
    const model = last!.data as unknown as Receipt;
    const forged = { ...model, receiptId: `rcpt_${'f'.repeat(32)}`, sequence: sequence + 1, type: 'note.forged', actionId: null, data: { forged: true }, integrity: { ...model.integrity, prevEventHash: 'f'.repeat(64) } };
    await runtime.store.append('tenant_bravo', [{ id: forged.receiptId, type: forged.type, subject: 'note.forged', data: forged as unknown as Record<string, unknown> }], { expectedVersion: sequence });

    const replayed = await replay(`tenantId=tenant_bravo&toSequence=${sequence + 1}`);
    expect(replayed.summary).toMatchObject({ ok: false, events: sequence + 1, gaps: [], brokenLinks: [{ sequence: sequence + 1 }], badSignatures: [{ sequence: sequence + 1 }], unknownKeys: [], malformed: [] });
    expect(replayed.events.filter((l) => !l.verification.ok).map((l) => l.sequence)).toEqual([sequence + 1]);
    expect((await replay(`tenantId=tenant_bravo&fromSequence=${sequence + 1}&toSequence=${sequence + 1}`)).summary).toMatchObject({ ok: false, brokenLinks: [{ sequence: sequence + 1 }] });

    const reported = (errors: string[], kind: string) => errors.some((e) => e.startsWith(`tenant_bravo sequence ${sequence + 1}: ${kind}: `));
    const found = await until('ledger verify reports both findings of the forged receipt', async () => {
      const body = (await http.get('/v1/admin/ledger/verify', ADMIN)).body;
      return !body.isValid && reported(body.errors, 'chain_break') && reported(body.errors, 'bad_signature') && body;
    });
    expect(found.errors).toHaveLength(2);
    expect(found.streams.find((s: { tenantId: string }) => s.tenantId === 'tenant_bravo')).toMatchObject({ lastResult: 'violations', findingsTotal: 2 });
    expect(found.streams.find((s: { tenantId: string }) => s.tenantId === 'tenant_alpha')).toMatchObject({ lastResult: 'ok' });
  });
});
