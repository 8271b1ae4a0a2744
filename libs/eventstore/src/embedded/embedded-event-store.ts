import type { SqlClient, SqlExecutor } from '@oars/db';
import { AppendOptions, AppendResult, EventStore, EventToAppend, ReadOptions, StoredEvent, StreamHead, Subscription } from '../event-store.port';
import { ConcurrencyError } from '../errors';
import { assertEvents, assertExpectedVersion, assertStreamId, assertSubject, readRange } from '../contract/event-validation';
import { EmbeddedSubscription } from './embedded-subscription';
import { SubscriptionSet } from '../ordered-delivery';

/** Some events of one append are already stored and others are not (or live in another stream). */
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
 * transaction: duplicate ids are detected first (a fully stored batch returns its original
 * positions and writes nothing), the stream head is compared-and-set in `oars_streams`, then the
 * events are inserted. `data` is stored as the exact JSON text. The tables come from
 * `migrations/0001_event_store.sql`, run by the caller's migration runner.
 */
export class EmbeddedEventStore implements EventStore {
  private readonly hintListeners = new Set<(stream: string) => void>();
  private readonly subscriptions = new SubscriptionSet();

  constructor(private readonly sql: SqlClient) {}

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
      // reports duplicates at their positions, or refuses a mixed batch.
      result = await this.sql.transaction((tx) => this.appendIn(tx, stream, events, expected));
    }
    if (!result.duplicates[0]) this.notify(stream);
    return result;
  }

  async read(stream: string, options?: ReadOptions): Promise<StoredEvent[]> {
    assertStreamId(stream);
    const { from, limit } = readRange(options);
    const { rows } = await this.sql.query<EventRow>(
      `SELECT ${COLUMNS} FROM oars_events WHERE stream = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3`,
      [stream, from, limit],
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
  onAppendHint(listener: (stream: string) => void): () => void {
    this.hintListeners.add(listener);
    return () => {
      this.hintListeners.delete(listener);
    };
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
    const ids = events.map((e) => e.id);
    const stored = await storedIds(this.sql, ids);
    if (stored.length > 0) return duplicateResult(stream, ids, stored);
    const { rows } = await this.sql.query<{ head: string | number }>('SELECT head FROM oars_streams WHERE stream = $1', [stream]);
    throw new ConcurrencyError(stream, expected, rows.length ? Number(rows[0].head) : 0);
  }

  private async appendIn(tx: SqlExecutor, stream: string, events: readonly EventToAppend[], expected: number): Promise<AppendResult> {
    const ids = events.map((e) => e.id);
    const stored = await storedIds(tx, ids);
    if (stored.length > 0) return duplicateResult(stream, ids, stored);

    const n = events.length;
    const bumped =
      expected === 0
        ? await tx.query('INSERT INTO oars_streams (stream, head) VALUES ($1, $2) ON CONFLICT (stream) DO NOTHING', [stream, n])
        : await tx.query('UPDATE oars_streams SET head = head + $3 WHERE stream = $1 AND head = $2', [stream, expected, n]);
    if (bumped.rowCount !== 1) {
      const { rows } = await tx.query<{ head: string | number }>('SELECT head FROM oars_streams WHERE stream = $1', [stream]);
      throw new ConcurrencyError(stream, expected, rows.length ? Number(rows[0].head) : 0);
    }
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

  private notify(stream: string): void {
    for (const listener of this.hintListeners) {
      try {
        listener(stream);
      } catch {
        // a hint listener's failure is its own business
      }
    }
  }
}

type StoredId = { id: string; stream: string; sequence: string | number };

/** Where any of `ids` is stored already, in whatever stream. */
async function storedIds(sql: SqlExecutor, ids: string[]): Promise<StoredId[]> {
  return (await sql.query<StoredId>('SELECT id, stream, sequence FROM oars_events WHERE id = ANY($1::text[])', [ids])).rows;
}

/** A retried append: every id already stored in this stream gives back its original positions. */
function duplicateResult(stream: string, ids: string[], stored: StoredId[]): AppendResult {
  if (stored.length !== ids.length || stored.some((r) => r.stream !== stream)) {
    throw new MixedDuplicateBatchError(stream, stored.map((r) => r.id));
  }
  const byId = new Map(stored.map((r) => [r.id, Number(r.sequence)]));
  const sequences = ids.map((id) => byId.get(id)!);
  return { firstSequence: sequences[0], lastSequence: sequences[sequences.length - 1], duplicates: ids.map(() => true) };
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
