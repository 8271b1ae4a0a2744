import type { SqlExecutor } from '@oars/db';
import { ALERT_RAISED, type AlertRecord } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import type { ReadModelProjection } from '../read-model';

/** The `alerts` read model: one row per `alert.raised` receipt (idempotent on the alert id). */
export const alertsProjection: ReadModelProjection = {
  name: 'alerts',
  tables: ['alerts'],
  async apply(tx: SqlExecutor, receipts: readonly Receipt[]) {
    for (const r of receipts) {
      if (r.type !== ALERT_RAISED) continue;
      const alert = r.data.alert as AlertRecord;
      await tx.query(
        `INSERT INTO alerts (alert_id, tenant_id, sequence, action_id, severity, code, created_at, record)
         VALUES ($1, $2, $3::bigint, $4, $5, $6, $7::timestamptz, $8) ON CONFLICT DO NOTHING`,
        [alert.id, r.tenantId, r.sequence, alert.actionId, alert.severity, alert.code, alert.createdAt, JSON.stringify(alert)],
      );
    }
  },
};
