-- Sealed (AES-256-GCM under the key-encryption key) private signing keys for the embedded mode.
-- Public keys and their status are receipts in the tenant stream, not rows here.
CREATE TABLE IF NOT EXISTS oars_signing_keys (
  tenant_id text NOT NULL,
  key_id text NOT NULL,
  sealed_private_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key_id)
);
