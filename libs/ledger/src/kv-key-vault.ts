import type { NatsConnection } from "@nats-io/nats-core";
import { Kvm, type KV } from '@nats-io/kv';
import type { KeyVault } from './key-vault.port';

/** KeyVault on a JetStream KV bucket (file storage, history 1), one entry per `<tenant>.<keyId>`. */
export class KvKeyVault implements KeyVault {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, bucket: string): Promise<KvKeyVault> {
    const kv = await new Kvm(nc).create(bucket, { history: 1, storage: 'file' as never });
    return new KvKeyVault(kv);
  }

  async put(tenantId: string, keyId: string, sealedPrivateKey: string): Promise<void> {
    try {
      await this.kv.create(`${tenantId}.${keyId}`, sealedPrivateKey);
    } catch (err) {
      // create() refuses an existing key: the entry is already stored, which is what we want.
      if ((await this.get(tenantId, keyId)) === null) throw err;
    }
  }

  async get(tenantId: string, keyId: string): Promise<string | null> {
    const entry = await this.kv.get(`${tenantId}.${keyId}`);
    if (!entry || entry.operation !== 'PUT') return null;
    return entry.string();
  }
}
