import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { MemoryEventStore } from '@oars/testing';

/** The event store the read-model integration specs project from. */
export async function openTestEventStore(_sql: SqlClient): Promise<EventStore> {
  return new MemoryEventStore();
}
