import { complianceEventOf } from '@oars/domain';
import type { ReadModelProjection } from '../read-model';

/**
 * The `control_mappings` read model: each tenant mapping as its latest
 * `compliance.control_mapping.upserted` receipt records it. Guarded by `last_sequence`, so
 * re-applying a receipt changes nothing; a mapping naming another tenant is not shown.
 */
export const controlMappingsProjection: ReadModelProjection = {
  name: 'control_mappings',
  tables: ['control_mappings'],
  async apply(tx, receipts) {
    for (const receipt of receipts) {
      const mapping = complianceEventOf(receipt)?.data.mapping;
      if (!mapping || mapping.tenantId !== receipt.tenantId) continue;
      await tx.query(
        `INSERT INTO control_mappings (tenant_id, framework, control_id, mapping_id, record, updated_at, last_sequence)
         VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7::bigint)
         ON CONFLICT (tenant_id, framework, control_id) DO UPDATE SET
           mapping_id = EXCLUDED.mapping_id, record = EXCLUDED.record, updated_at = EXCLUDED.updated_at, last_sequence = EXCLUDED.last_sequence
         WHERE control_mappings.last_sequence < EXCLUDED.last_sequence`,
        [mapping.tenantId, mapping.framework, mapping.controlId, mapping.id, JSON.stringify(mapping), mapping.updatedAt, receipt.sequence],
      );
    }
  },
};
