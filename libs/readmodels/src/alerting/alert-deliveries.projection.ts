import { alertDeliveryEventOf } from '@oars/domain';
import type { ReadModelProjection } from '../read-model';

/**
 * The `alert_deliveries` read model: each delivery as its latest receipt records it (every receipt
 * of a delivery carries it whole). Guarded by `last_sequence`, so re-applying a receipt changes
 * nothing; a delivery naming another tenant is not shown.
 */
export const alertDeliveriesProjection: ReadModelProjection = {
  name: 'alert_deliveries',
  tables: ['alert_deliveries'],
  async apply(tx, receipts) {
    for (const receipt of receipts) {
      const d = alertDeliveryEventOf(receipt)?.data.delivery;
      if (!d || d.tenantId !== receipt.tenantId) continue;
      await tx.query(
        `INSERT INTO alert_deliveries (tenant_id, delivery_id, first_sequence, last_sequence, alert_id, incident_id, channel_id, channel_type, kind, status, attempts, next_attempt_at, updated_at, record)
         VALUES ($1, $2, $3::bigint, $3::bigint, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz, $12::timestamptz, $13)
         ON CONFLICT (tenant_id, delivery_id) DO UPDATE SET
           last_sequence = EXCLUDED.last_sequence, status = EXCLUDED.status, attempts = EXCLUDED.attempts, channel_type = EXCLUDED.channel_type,
           next_attempt_at = EXCLUDED.next_attempt_at, updated_at = EXCLUDED.updated_at, record = EXCLUDED.record
         WHERE alert_deliveries.last_sequence < EXCLUDED.last_sequence`,
        [receipt.tenantId, d.deliveryId, receipt.sequence, d.alertId, d.incidentId, d.channelId, d.channelType, d.kind, d.status, d.attempts, d.nextAttemptAt, receipt.timestamp, JSON.stringify(d)],
      );
    }
  },
};
