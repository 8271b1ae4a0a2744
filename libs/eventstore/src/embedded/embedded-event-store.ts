import type { SqlClient, SqlExecutor } from '@oars/db';
import { AppendOptions, AppendResult, EventStore, EventToAppend, ReadOptions, StoredEvent, StreamHead, Subscription } from '../event-store.port';
import { ConcurrencyError, checkPruneRange } from '../errors';
import { assertEvents, assertExpectedVersion, assertStreamId, assertSubject, readRange } from '../contract/event-validation';
import { EmbeddedSubscription } from './embedded-subscription';
import { SubscriptionSet } from '../ordered-delivery';
import { atPortEdge } from './sql-edge';

/** At the expected head, some ids of one append are already stored (elsewhere, or with other data). */
export class MixedDuplicateBatchError extends Error {
  readonly code = 'mixed_duplicate_batch';
  constructor(readonly stream: string, readonly storedIds: string[]) {
    super(`Stream ${stream}: events ${storedIds.join(', ')} are already stored but the rest of the append is not; append the new events separately.`);
    this.name = 'MixedDuplicateBatchError';
  }
}

interface EventRow {
  sequence: string | number;
  id: string;
  type: string;
  subject: string;
  data: string;
}

const COLUMNS = 'sequence, id, type, subject, data';
/** Rows per INSERT statement (6 parameters each, well below the 65535-parameter limit). */
const INSERT_CHUNK = 1000;

/**
 * The EventStore port on a Postgres (or PGlite) table, over the `SqlClient` seam. An append is one
 * transaction: a batch stored byte for byte already returns its original positions and writes
 * nothing (the same ids with other data are never duplicates), the stream head is compared-and-set in `oars_streams`, then the
 * events are inserted. `data` is stored as the exact JSON text. The tables come from
 * `migrations/0001_event_store.sql`, run by the caller's migration runner.
 */
export class EmbeddedEventStore implements EventStore {
  private readonly hintListeners = new Set<(stream: string, head?: number) => void>();
  private readonly subscriptions = new SubscriptionSet();

  private readonly sql: SqlClient;

  constructor(sql: SqlClient) {
    this.sql = atPortEdge(sql);
  }

  async append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    assertStreamId(stream);
    assertEvents(events);
    assertExpectedVersion(options.expectedVersion);
    const expected = options.expectedVersion;
    let result: AppendResult;
    try {
      result = events.length <= INSERT_CHUNK ? await this.appendInOneStatement(stream, events, expected) : await this.sql.transaction((tx) => this.appendIn(tx, stream, events, expected));
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      // An id is stored already (a retry, or a concurrent append stored it first): the careful path
      // reports a retry's duplicates at their positions, or refuses the append.
      result = await this.sql.transaction((tx) => this.appendIn(tx, stream, events, expected));
    }
    if (!result.duplicates[0]) this.notify(stream, result.lastSequence);
    return result;
  }

  async read(stream: string, options?: ReadOptions): Promise<StoredEvent[]> {
    assertStreamId(stream);
    const { from, limit, to, types } = readRange(options);
    if (to < from) return [];
    const { rows } = types
      ? await this.sql.query<EventRow>(
        `SELECT ${COLUMNS} FROM oars_events WHERE stream = $1 AND sequence >= $2 AND sequence <= $4 AND type = ANY($5::text[]) ORDER BY sequence LIMIT $3`,
        [stream, from, limit, to, types],
      )
      : await this.sql.query<EventRow>(
        `SELECT ${COLUMNS} FROM oars_events WHERE stream = $1 AND sequence >= $2 AND sequence <= $4 ORDER BY sequence LIMIT $3`,
        [stream, from, limit, to],
      );
    return rows.map((r) => toEvent(stream, r));
  }

  async head(stream: string): Promise<StreamHead> {
    assertStreamId(stream);
    const { rows } = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM oars_events WHERE stream = $1 ORDER BY sequence DESC LIMIT 1`, [stream]);
    const last = rows.length ? toEvent(stream, rows[0]) : null;
    return { sequence: last?.sequence ?? 0, last };
  }

  async lastBySubject(stream: string, subject: string): Promise<StoredEvent | null> {
    assertStreamId(stream);
    assertSubject(subject);
    const { rows } = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM oars_events WHERE stream = $1 AND subject = $2 ORDER BY sequence DESC LIMIT 1`,
      [stream, subject],
    );
    return rows.length ? toEvent(stream, rows[0]) : null;
  }

  async get(stream: string, sequence: number): Promise<StoredEvent | null> {
    assertStreamId(stream);
    if (!Number.isSafeInteger(sequence) || sequence < 1) return null;
    const { rows } = await this.sql.query<EventRow>(`SELECT ${COLUMNS} FROM oars_events WHERE stream = $1 AND sequence = $2`, [stream, sequence]);
    return rows.length ? toEvent(stream, rows[0]) : null;
  }

  async listStreams(): Promise<Array<{ stream: string; lastSequence: number }>> {
    const { rows } = await this.sql.query<{ stream: string; head: string | number }>('SELECT stream, head FROM oars_streams ORDER BY stream');
    return rows.map((r) => ({ stream: r.stream, lastSequence: Number(r.head) }));
  }

  async subscribe(stream: string, from: number, handler: (event: StoredEvent) => Promise<void>): Promise<Subscription> {
    assertStreamId(stream);
    const sub = new EmbeddedSubscription(this, stream, from, handler);
    return this.subscriptions.track(sub);
  }

  /** In-process only: listeners hear of appends made through this instance, after commit. */
  onAppendHint(listener: (stream: string, head?: number) => void): () => void {
    this.hintListeners.add(listener);
    return () => {
      this.hintListeners.delete(listener);
    };
  }

  async prune(stream: string, throughSequence: number): Promise<{ firstSequence: number }> {
    assertStreamId(stream);
    const head = (await this.head(stream)).sequence;
    checkPruneRange(stream, throughSequence, head);
    await this.sql.query('DELETE FROM oars_events WHERE stream = $1 AND sequence <= $2', [stream, throughSequence]);
    return { firstSequence: await this.firstSequence(stream) };
  }

  async firstSequence(stream: string): Promise<number> {
    assertStreamId(stream);
    const { rows } = await this.sql.query<{ first: string | number | null }>('SELECT min(sequence) AS first FROM oars_events WHERE stream = $1', [stream]);
    return rows[0]?.first == null ? 0 : Number(rows[0].first);
  }

  async ping(): Promise<boolean> {
    try {
      await this.sql.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the subscriptions; the SqlClient belongs to the caller and stays open. */
  async close(): Promise<void> {
    await this.subscriptions.closeAll();
    this.hintListeners.clear();
  }

  /**
   * The common append in one statement, so one round trip and no explicit transaction: the head's
   * compare-and-set and the insert of the events happen together or not at all. When the head is not
   * `expected`, nothing is inserted, and the stored ids tell a retry (duplicates) from a conflict.
   */
  private async appendInOneStatement(stream: string, events: readonly EventToAppend[], expected: number): Promise<AppendResult> {
    const n = events.length;
    const params: unknown[] = [stream, n];
    const head =
      expected === 0
        ? 'INSERT INTO oars_streams (stream, head) VALUES ($1, $2) ON CONFLICT (stream) DO NOTHING RETURNING head'
        : (params.push(expected), 'UPDATE oars_streams SET head = head + $2 WHERE stream = $1 AND head = $3 RETURNING head');
    const tuples = events.map((e, i) => {
      const p = params.length;
      params.push(expected + i + 1, e.id, e.type, e.subject, JSON.stringify(e.data));
      return `($${p + 1}::bigint, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5})`;
    });
    const inserted = await this.sql.query(
      `WITH bumped AS (${head})
       INSERT INTO oars_events (stream, sequence, id, type, subject, data)
       SELECT $1, v.sequence, v.id, v.type, v.subject, v.data FROM bumped, (VALUES ${tuples.join(', ')}) AS v (sequence, id, type, subject, data)`,
      params,
    );
    if (inserted.rowCount === n) return { firstSequence: expected + 1, lastSequence: expected + n, duplicates: events.map(() => false) };
    return this.refused(this.sql, stream, events, expected);
  }

  /**
   * Why an append stored nothing: a retry of events stored byte for byte answers their original
   * positions; otherwise a moved head is a `ConcurrencyError` (also when some ids are stored with
   * other data: another writer's events, never "mine"), and stored ids at the expected head are a
   * caller's mistake (`MixedDuplicateBatchError`).
   */
  private async refused(sql: SqlExecutor, stream: string, events: readonly EventToAppend[], expected: number): Promise<AppendResult> {
    const stored = await storedEvents(sql, events.map((e) => e.id));
    if (stored.length > 0 && isRetry(stream, events, stored)) return duplicateResult(events, stored);
    const { rows } = await sql.query<{ head: string | number }>('SELECT head FROM oars_streams WHERE stream = $1', [stream]);
    const head = rows.length ? Number(rows[0].head) : 0;
    if (head !== expected || stored.length === 0) throw new ConcurrencyError(stream, expected, head);
    throw new MixedDuplicateBatchError(stream, stored.map((r) => r.id));
  }

  private async appendIn(tx: SqlExecutor, stream: string, events: readonly EventToAppend[], expected: number): Promise<AppendResult> {
    if ((await storedEvents(tx, events.map((e) => e.id))).length > 0) return this.refused(tx, stream, events, expected);
    const n = events.length;
    const bumped =
      expected === 0
        ? await tx.query('INSERT INTO oars_streams (stream, head) VALUES ($1, $2) ON CONFLICT (stream) DO NOTHING', [stream, n])
        : await tx.query('UPDATE oars_streams SET head = head + $3 WHERE stream = $1 AND head = $2', [stream, expected, n]);
    if (bumped.rowCount !== 1) return this.refused(tx, stream, events, expected);
    for (let start = 0; start < n; start += INSERT_CHUNK) {
      const chunk = events.slice(start, start + INSERT_CHUNK);
      const values: unknown[] = [];
      const tuples = chunk.map((e, i) => {
        const p = i * 6;
        values.push(stream, expected + start + i + 1, e.id, e.type, e.subject, JSON.stringify(e.data));
        return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
      });
      await tx.query(`INSERT INTO oars_events (stream, sequence, id, type, subject, data) VALUES ${tuples.join(', ')}`, values);
    }
    return { firstSequence: expected + 1, lastSequence: expected + n, duplicates: events.map(() => false) };
  }

  private notify(stream: string, head: number): void {
    for (const listener of this.hintListeners) {
      try {
        listener(stream, head);
      } catch {
        // a hint listener's failure is its own business
      }
    }
  }
}

type StoredRow = { id: string; stream: string; sequence: string | number; data: string };

/** Where any of `ids` is stored already, in whatever stream, with the stored JSON text. */
async function storedEvents(sql: SqlExecutor, ids: string[]): Promise<StoredRow[]> {
  return (await sql.query<StoredRow>('SELECT id, stream, sequence, data FROM oars_events WHERE id = ANY($1::text[])', [ids])).rows;
}

/** Every event of the append is stored in this stream with exactly its data: a retried append. */
function isRetry(stream: string, events: readonly EventToAppend[], stored: StoredRow[]): boolean {
  if (stored.length !== events.length) return false;
  const byId = new Map(stored.map((r) => [r.id, r]));
  return events.every((e) => {
    const row = byId.get(e.id);
    return row !== undefined && row.stream === stream && row.data === JSON.stringify(e.data);
  });
}

/** A retried append gives back the original positions of its events. */
function duplicateResult(events: readonly EventToAppend[], stored: StoredRow[]): AppendResult {
  const byId = new Map(stored.map((r) => [r.id, Number(r.sequence)]));
  const sequences = events.map((e) => byId.get(e.id)!);
  return { firstSequence: sequences[0], lastSequence: sequences[sequences.length - 1], duplicates: events.map(() => true) };
}

function toEvent(stream: string, row: EventRow): StoredEvent {
  return {
    stream,
    sequence: Number(row.sequence),
    id: row.id,
    type: row.type,
    subject: row.subject,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}
