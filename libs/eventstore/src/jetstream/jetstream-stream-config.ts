import { nanos } from '@nats-io/nats-core';
import { DiscardPolicy, RetentionPolicy, StorageType, StreamConfig } from '@nats-io/jetstream';

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** How long JetStream remembers a `Nats-Msg-Id`: a retried append inside this window is a duplicate. */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/**
 * Stream and subject names of one region: stream `<streamPrefix>_<REGION>_<tenant>` holding
 * `<subjectPrefix>.<region>.<tenant>.>`; an event `<aggregate>.<id>` is published on
 * `<subjectPrefix>.<region>.<tenant>.<aggregate>.<id>`.
 */
export class JetStreamNaming {
  readonly regionSubjects: string;
  private readonly streamNamePrefix: string;

  constructor(
    readonly streamPrefix: string,
    readonly subjectPrefix: string,
    readonly region: string,
  ) {
    for (const [what, value] of [['streamPrefix', streamPrefix], ['subjectPrefix', subjectPrefix], ['region', region]]) {
      if (!TOKEN.test(value)) throw new RangeError(`${what} must match ${TOKEN}, got "${value}"`);
    }
    this.streamNamePrefix = `${streamPrefix}_${region.toUpperCase()}_`;
    this.regionSubjects = `${subjectPrefix}.${region.toLowerCase()}.>`;
  }

  streamName(tenant: string): string {
    return this.streamNamePrefix + tenant;
  }

  /** The tenant of a stream name of this prefix and region, or null for any other stream. */
  tenantOfStream(streamName: string): string | null {
    if (!streamName.startsWith(this.streamNamePrefix)) return null;
    const tenant = streamName.slice(this.streamNamePrefix.length);
    return TENANT.test(tenant) ? tenant : null;
  }

  /** `<subjectPrefix>.<region>.<tenant>.` : what precedes an event's `<aggregate>.<id>`. */
  tenantSubjectPrefix(tenant: string): string {
    return `${this.subjectPrefix}.${this.region.toLowerCase()}.${tenant}.`;
  }

  /** The tenant named by a message subject of this region (third token), or null. */
  tenantOfSubject(subject: string): string | null {
    const tokens = subject.split('.');
    return tokens.length === 5 && tokens[0] === this.subjectPrefix && TENANT.test(tokens[2]) ? tokens[2] : null;
  }
}

/** The configuration every tenant stream MUST have: file storage, no limits, no deletes, no purges, no rollups. */
export function desiredStreamConfig(naming: JetStreamNaming, tenant: string, replicas: number): StreamConfig {
  return {
    name: naming.streamName(tenant),
    subjects: [`${naming.tenantSubjectPrefix(tenant)}>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    max_consumers: -1,
    num_replicas: replicas,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    deny_delete: true,
    // Purge stays possible for retention (an operator-authorised prune of the prefix, docs/retention.md);
    // who may call it is NATS's permissions' business ($JS.API.STREAM.PURGE.<stream>).
    deny_purge: false,
    allow_rollup_hdrs: false,
    allow_direct: true,
    sealed: false,
  } as StreamConfig;
}

/**
 * Settings an existing stream MUST share with the desired one; anything else is left to operators.
 * `deny_purge` is not among them: streams created before retention existed deny purge, keep working,
 * and only refuse a prune.
 */
const CHECKED = ['storage', 'retention', 'max_msgs', 'max_bytes', 'max_age', 'max_msgs_per_subject', 'deny_delete', 'allow_rollup_hdrs', 'sealed'] as const;

/** Human-readable differences between an existing stream's configuration and the desired one. */
export function streamConfigDifferences(desired: StreamConfig, actual: StreamConfig): string[] {
  const differences: string[] = [];
  const want = [...desired.subjects].sort().join(',');
  const got = [...(actual.subjects ?? [])].sort().join(',');
  if (want !== got) differences.push(`subjects: expected [${want}], found [${got}]`);
  for (const key of CHECKED) {
    const expected = desired[key] ?? false;
    const found = actual[key] ?? false;
    if (expected !== found) differences.push(`${key}: expected ${String(expected)}, found ${String(found)}`);
  }
  return differences;
}
