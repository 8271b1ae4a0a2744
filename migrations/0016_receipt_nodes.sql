-- The evidence graph's receipt and action nodes are read from the `receipts` rows (libs/readmodels/src/evidence,
-- VIRTUAL_NODE_TYPES): the graph no longer stores a copy of every receipt. Coverage windows and the
-- node listing read receipts by time.
DELETE FROM evidence_nodes WHERE node_type IN ('receipt', 'action');
CREATE INDEX IF NOT EXISTS receipts_ts_idx ON receipts (tenant_id, ts);
-- Nodes are listed by (updated_at DESC, node_type, ref_id), the order receipt nodes share; nothing
-- looks a node up by its id (a digest of the primary key), so that index only cost writes.
DROP INDEX IF EXISTS evidence_nodes_id_idx;
DROP INDEX IF EXISTS evidence_nodes_listing_idx;
DROP INDEX IF EXISTS evidence_nodes_type_listing_idx;
CREATE INDEX IF NOT EXISTS evidence_nodes_listing_idx ON evidence_nodes (tenant_id, updated_at DESC, node_type, ref_id);
CREATE INDEX IF NOT EXISTS evidence_nodes_type_listing_idx ON evidence_nodes (tenant_id, node_type, updated_at DESC, ref_id);
