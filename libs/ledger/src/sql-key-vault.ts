import type { SqlExecutor } from '@oars/db';
import type { KeyVault } from './key-vault.port';

/** KeyVault on the `oars_signing_keys` table (embedded mode: same database as the event log). */
export class SqlKeyVault implements KeyVault {
  constructor(private readonly sql: SqlExecutor) {}

  async put(tenantId: string, keyId: string, sealedPrivateKey: string): Promise<void> {
    await this.sql.query(
      'INSERT INTO oars_signing_keys (tenant_id, key_id, sealed_private_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [tenantId, keyId, sealedPrivateKey],
    );
  }

  async get(tenantId: string, keyId: string): Promise<string | null> {
    const { rows } = await this.sql.query<{ sealed_private_key: string }>(
      'SELECT sealed_private_key FROM oars_signing_keys WHERE tenant_id = $1 AND key_id = $2',
      [tenantId, keyId],
    );
    return rows[0]?.sealed_private_key ?? null;
  }
}
