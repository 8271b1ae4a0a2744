import type { SqlExecutor } from '@oars/db';
import { incidentOf, isIncidentEventType } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import type { ReadModelProjection } from '../read-model';

/**
 * The `incidents` read model: each incident's latest snapshot (every incident receipt carries it
 * whole, so the receipt with the highest sequence wins) and its timeline, one row per receipt.
 * Idempotent: a receipt applied twice leaves the same rows.
 */
export const incidentsProjection: ReadModelProjection = {
  name: 'incidents',
  tables: ['incidents', 'incident_timeline'],
  async apply(tx: SqlExecutor, receipts: readonly Receipt[]) {
    for (const r of receipts) {
      if (!isIncidentEventType(r.type)) continue;
      const incident = incidentOf(r.data);
      if (!incident || incident.tenantId !== r.tenantId) continue;
      await tx.query(
        `INSERT INTO incidents (tenant_id, incident_id, sequence, status, severity, opened_at, time_to_ack_seconds, ack_within_target, record)
         VALUES ($1, $2, $3::bigint, $4, $5, $6::timestamptz, $7, $8, $9)
         ON CONFLICT (tenant_id, incident_id) DO UPDATE SET sequence = EXCLUDED.sequence, status = EXCLUDED.status, severity = EXCLUDED.severity,
           time_to_ack_seconds = EXCLUDED.time_to_ack_seconds, ack_within_target = EXCLUDED.ack_within_target, record = EXCLUDED.record
         WHERE incidents.sequence < EXCLUDED.sequence`,
        [r.tenantId, incident.incidentId, r.sequence, incident.status, incident.severity, incident.openedAt, incident.timeToAcknowledgeSeconds ?? null, incident.acknowledgedWithinTarget ?? null, JSON.stringify(incident)],
      );
      const { incident: _snapshot, actor, ...details } = r.data as Record<string, unknown>;
      await tx.query(
        `INSERT INTO incident_timeline (tenant_id, sequence, incident_id, receipt_id, type, at, actor, details)
         VALUES ($1, $2::bigint, $3, $4, $5, $6::timestamptz, $7, $8) ON CONFLICT DO NOTHING`,
        [r.tenantId, r.sequence, incident.incidentId, r.receiptId, r.type, r.timestamp, typeof actor === 'string' ? actor : null, JSON.stringify(details)],
      );
    }
  },
};
