import type { JetStreamManager } from '@nats-io/jetstream';
import { StreamConfigMismatchError } from '../errors';
import { isStreamNotFound } from './jetstream-errors';
import { desiredStreamConfig, JetStreamNaming, streamConfigDifferences } from './jetstream-stream-config';

/**
 * Knows which tenant streams this process has created or checked, so the append path asks
 * JetStream about a stream once per process, not once per append. An existing stream with other
 * settings is refused with `StreamConfigMismatchError` and never changed.
 */
export class JetStreamStreamRegistry {
  private readonly known = new Map<string, Promise<void>>();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly naming: JetStreamNaming,
    private readonly replicas: number,
  ) {}

  /** Resolves once the tenant's stream exists with the required settings (a failure is not cached). */
  ensure(tenant: string): Promise<void> {
    let ready = this.known.get(tenant);
    if (!ready) {
      const created = this.createOrVerify(tenant);
      this.known.set(tenant, created);
      created.catch(() => {
        if (this.known.get(tenant) === created) this.known.delete(tenant);
      });
      ready = created;
    }
    return ready;
  }

  /** Forgets a stream that turned out to be gone (deleted behind this process's back). */
  forget(tenant: string): void {
    this.known.delete(tenant);
  }

  private async createOrVerify(tenant: string): Promise<void> {
    const desired = desiredStreamConfig(this.naming, tenant, this.replicas);
    let info;
    try {
      info = await this.jsm.streams.info(desired.name);
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
      try {
        await this.jsm.streams.add(desired);
        return;
      } catch (addErr) {
        // created concurrently, or 10058 (name in use with another config): check what is there
        info = await this.jsm.streams.info(desired.name).catch(() => Promise.reject(addErr));
      }
    }
    const differences = streamConfigDifferences(desired, info.config);
    if (differences.length > 0) throw new StreamConfigMismatchError(desired.name, differences);
  }
}
