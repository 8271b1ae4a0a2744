import type { NatsConnection } from "@nats-io/nats-core";
import { Kvm, type KV } from '@nats-io/kv';
import { DependencyUnavailableError } from '@oars/eventstore';
import type { KeyVault } from './key-vault.port';

/** Transport failures of the KV bucket are the dependency being unavailable (503), not a bug (500). */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DependencyUnavailableError) throw err;
    throw new DependencyUnavailableError('nats', err);
  }
}

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
      if ((await this.get(tenantId, keyId)) === null) throw new DependencyUnavailableError('nats', err);
    }
  }

  async get(tenantId: string, keyId: string): Promise<string | null> {
    const entry = await guarded(() => this.kv.get(`${tenantId}.${keyId}`));
    if (!entry || entry.operation !== 'PUT') return null;
    return entry.string();
  }
}
