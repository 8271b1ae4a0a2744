-- The evidence graph's receipt nodes are the `receipts` rows themselves (libs/readmodels/src/evidence,
-- VIRTUAL_NODE_TYPES): the graph no longer stores a copy of every receipt. Coverage windows and the
-- node listing read receipts by time.
DELETE FROM evidence_nodes WHERE node_type = 'receipt';
CREATE INDEX IF NOT EXISTS receipts_ts_idx ON receipts (tenant_id, ts);
