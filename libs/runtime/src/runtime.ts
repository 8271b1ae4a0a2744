import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OarsConfig } from '@oars/config';
import { TENANT_SETTINGS_SUBJECTS } from '@oars/domain';
import { PgliteSqlClient, PostgresSqlClient, type SqlClient, defaultMigrationsDir, migrate } from '@oars/db';
import { EmbeddedEventStore, JetStreamEventStore, StreamFeeds, type EventStore } from '@oars/eventstore';
import { KvKeyVault, type KeyVault, SqlKeyVault, TenantChainWriter, prunedBaseOf } from '@oars/ledger';
import { AppendMonitor, INTEGRITY_REACTOR, OpsRuntime, alertPublisherReactor, governanceAlertsReactor, governanceSignalsReactor } from '@oars/ops';
import { AlertDelivery, alertDeliveryReactor } from '@oars/ops';
import { deriveKek } from '@oars/receipts';
import { Projector, ReceiptProofs, waitForCheckpoint } from '@oars/readmodels';
import { EXECUTIONS_REACTOR, ExecutionConsumer } from '@oars/connectors';
import { ReactorHost } from '@oars/reactors';
import { approvalTimersReactor } from './reactors/approval-timers.reactor';
import { checkpointsReactor } from './reactors/checkpoints.reactor';
import { evidenceExportsReactor } from './reactors/evidence-exports.reactor';
import { EvidenceExporter } from './evidence/evidence-exporter';
import { LedgerRetention } from './retention/ledger-retention';
import { IncidentService } from './incidents/incident.service';
import { incidentIntakeReactor } from './incidents/incident-intake.reactor';
import { incidentTimersReactor } from './incidents/incident-timers.reactor';
import { OnCallService } from './incidents/oncall.service';

export interface RuntimeLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export type ComponentState = 'NOT_READY' | 'OK' | 'WARN' | 'ERROR';
export interface ComponentStatus {
  state: ComponentState;
  message: string;
}

/** Everything a process of OARS runs on, built once from the configuration. */
export interface Runtime {
  readonly config: OarsConfig;
  readonly store: EventStore;
  /** Postgres (or PGlite) holding the read models. */
  readonly sql: SqlClient;
  readonly writer: TenantChainWriter;
  /** Sealed secrets: private signing keys and step-up (TOTP) secrets. */
  readonly vault: KeyVault;
  /** The in-process projector, when this process runs one. */
  readonly projector: Projector | null;
  /** Operations signals (libs/ops): SLOs, security events, golden signals, and the integrity verifier where the projector runs. */
  readonly ops: OpsRuntime;
  /** The HTTP connector execution consumer; it runs wherever the projector runs. */
  readonly executions: ExecutionConsumer | null;
  /** The durable reactors of this process (one follower loop), where the projector runs. */
  readonly reactors: ReactorHost | null;
  /** The Merkle logs of the tenant streams, for inclusion and consistency proofs (one cache per process). */
  readonly proofs: ReceiptProofs;
  /** Evidence exports: inline bundles and asynchronous jobs (run by the exports reactor where the projector runs). */
  readonly evidence: EvidenceExporter;
  /** Retention of the tenant streams: policy, legal holds, archive-then-prune. */
  readonly retention: LedgerRetention;
  /** Alert routing rules and deliveries (docs/alerting.md); the delivery reactor runs where the projector runs. */
  readonly alerting: AlertDelivery;
  /** On-call rotations of the tenant streams and the platform stream (docs/incidents.md). */
  readonly oncall: OnCallService;
  /** Incidents and incident command; alerts open them and timers escalate them where the projector runs. */
  readonly incidents: IncidentService;
  /** Resolves true once the read models reflect `sequence` of the tenant's stream (bounded by the configured wait). */
  waitForPosition(tenantId: string, sequence: number): Promise<boolean>;
  /** Waits (bounded) until the read models reflect every write this process made for these tenants. */
  catchUp(tenantIds: readonly string[]): Promise<void>;
  readiness(): Promise<Record<string, ComponentStatus>>;
  close(): Promise<void>;
}

export interface Stores {
  store: EventStore;
  sql: SqlClient;
  vault: KeyVault;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Already opened stores (tests give each file its own namespace); default: `openStores(config)`. */
  stores?: Stores;
  /** Start the projector in this process (default: config.runProjector). */
  runProjector?: boolean;
  logger?: RuntimeLogger;
}

const silent: RuntimeLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Opens the event store and the read-model database the configuration names, and migrates. */
export async function openStores(config: OarsConfig): Promise<Stores> {
  let sql: SqlClient;
  if (config.databaseUrl) {
    sql = new PostgresSqlClient(config.databaseUrl, { max: 10 });
  } else {
    mkdirSync(config.dataDir, { recursive: true });
    sql = await PgliteSqlClient.open(join(config.dataDir, 'pgdata'));
  }
  await migrate(sql, defaultMigrationsDir());
  if (config.eventStore === 'jetstream') {
    const store = await JetStreamEventStore.connect({
      servers: config.natsUrl!.split(','),
      region: config.region,
      streamPrefix: config.streamPrefix,
      subjectPrefix: config.subjectPrefix,
    });
    const vault = await KvKeyVault.open(store.connection, `${config.streamPrefix}_KEYS_${config.region}`);
    return { store, sql, vault, close: async () => { await store.close(); await sql.close(); } };
  }
  const store = new EmbeddedEventStore(sql);
  return { store, sql, vault: new SqlKeyVault(sql), close: async () => { await store.close(); await sql.close(); } };
}

export async function createRuntime(config: OarsConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? silent;
  const stores = options.stores ?? (await openStores(config));
  const { store, sql, vault } = stores;
  // The writer appends through a monitor (receipt persistence SLI, decision latency).
  const appends = new AppendMonitor(store);
  const writer = new TenantChainWriter({
    store: appends.store,
    vault,
    kek: deriveKek(config.keyEncryptionSecret),
    region: config.region,
    settingsSubjects: TENANT_SETTINGS_SUBJECTS,
  });
  const runProjector = options.runProjector ?? config.runProjector;
  // Pausing briefly after a batch lets appends coalesce: fewer, bigger transactions and stream reads
  // (every database round trip costs a socket write and a wake-up on both sides).
  const coalesceMs = config.projectorCoalesceMs;
  // On JetStream one ordered consumer per tenant feeds both the projector and the reactor host, so
  // each event is received and decoded once in this process. The embedded log is read per batch
  // (a shared feed there costs more: it delivers event by event).
  const feeds = runProjector && config.eventStore === 'jetstream' ? new StreamFeeds({ store }) : undefined;
  const follow = feeds ? 'subscribe' : 'read';
  const projector = runProjector ? new Projector({ store, sql, logger, coalesceMs, follow, feeds }) : null;
  if (projector) await projector.start();
  // The reactors (connector executions, approval timers, the integrity verifier) run beside the
  // projector, with one follower loop that follows the streams as the projector does, and pause as
  // long after a batch that did work (each batch may save a checkpoint).
  const reactors = projector ? new ReactorHost({ store, sql, logger, follow, feeds, coalesceMs }) : null;
  // Operations signals of this process; the integrity verifier runs where the projector runs.
  const ops = new OpsRuntime({
    store,
    sql,
    writer,
    appends,
    verifyIntegrity: projector !== null,
    integrity: { maxReceiptsPerSecond: config.integrityMaxReceiptsPerSecond, minReceiptsPerSecond: config.integrityMinReceiptsPerSecond },
    integrityWorker: { nice: config.integrityNice },
    logger,
    ...(reactors ? { reactorHost: reactors, reactors: () => reactors.statuses() } : {}),
  });
  ops.start();
  // Stage SLAs and approval expiry fire from durable timers.
  reactors?.register(approvalTimersReactor({ store, writer }));
  // Signed Merkle checkpoints of every stream (transparency proofs, evidence bundles).
  reactors?.register(checkpointsReactor({ store, writer }, { intervalMs: config.checkpointIntervalMs }));
  // Asynchronous evidence exports; each finished job counts for the evidence-export SLO.
  const proofs = new ReceiptProofs(sql, prunedBaseOf(store));
  const evidence = new EvidenceExporter({ store, writer, sql, proofs, waitForPosition: (tenantId, sequence) => runtime.waitForPosition(tenantId, sequence) });
  reactors?.register(evidenceExportsReactor(evidence, { record: (completed) => ops.slo.record('evidence_export', completed) }));
  // Alert routing and delivery: one delivery receipt per (alert, channel), each sent from a durable timer.
  const alerting = new AlertDelivery({ store, writer, config: config.alerting, logger });
  reactors?.register(alertDeliveryReactor(alerting));
  // Incidents: alerts open or join them; escalation and the update cadence run on durable timers.
  const retention = new LedgerRetention({ store, writer, sql, archiveDir: config.archiveDir });
  const oncall = new OnCallService({ store, writer });
  const incidents = new IncidentService({
    store, writer, oncall, holds: retention, channels: alerting.rules,
    policy: { ackTargetSeconds: config.incidentAckTargetSeconds, updateIntervalSeconds: config.incidentUpdateIntervalSeconds },
  });
  reactors?.register(incidentIntakeReactor(incidents));
  reactors?.register(incidentTimersReactor(incidents));
  // Governance alerts (docs/governance-alerts.md): from receipts, and from measured signals on a timer;
  // on JetStream every alert is also published on core NATS for subscribers (`oars alerts tail`).
  reactors?.register(governanceAlertsReactor({ store, writer }));
  reactors?.register(governanceSignalsReactor({ store, writer, sql }, {
    intervalMs: config.governanceEvalIntervalMs,
    authFailureSpike: { threshold: config.authFailureSpikeThreshold, windowMs: config.authFailureSpikeWindowSeconds * 1000 },
    sloBurn: { minEvents: config.sloBurnMinEvents },
  }));
  if (store instanceof JetStreamEventStore) {
    reactors?.register(alertPublisherReactor({ nats: store.connection, subjectPrefix: config.subjectPrefix, region: config.region }));
  }
  // Without configured HTTP connectors no action awaits one, so the executions reactor is
  // not registered at all (configured later, it catches up from its checkpoint).
  const executions = reactors && config.httpConnectors.length > 0
    ? new ExecutionConsumer({ store, sql, writer, connectors: config.httpConnectors, logger, host: reactors })
    : null;
  await reactors?.start();
  await executions?.start();

  const runtime: Runtime = {
    config,
    store,
    sql,
    writer,
    vault,
    proofs,
    evidence,
    alerting,
    retention,
    oncall,
    incidents,
    projector,
    ops,
    executions,
    reactors,
    async waitForPosition(tenantId, sequence) {
      if (projector) return projector.waitForPosition(tenantId, sequence, config.readWaitMs);
      return waitForCheckpoint(sql, tenantId, sequence, config.readWaitMs);
    },
    async catchUp(tenantIds) {
      await Promise.all(
        tenantIds.map((t) => {
          const head = writer.knownHead(t);
          return head ? runtime.waitForPosition(t, head) : true;
        }),
      );
    },
    async readiness() {
      const result: Record<string, ComponentStatus> = {};
      result.eventStore = (await store.ping().catch(() => false))
        ? { state: 'OK', message: `${config.eventStore} reachable` }
        : { state: 'ERROR', message: `${config.eventStore} unreachable` };
      result.database = await sql
        .query('SELECT 1')
        .then((): ComponentStatus => ({ state: 'OK', message: `${sql.engine} reachable` }))
        .catch((): ComponentStatus => ({ state: 'ERROR', message: `${sql.engine} unreachable` }));
      if (projector) {
        const s = projector.status();
        result.projector = { state: s.state, message: s.message };
      }
      if (executions) result.executions = executions.status();
      for (const r of reactors?.statuses() ?? []) {
        if (r.reactor !== EXECUTIONS_REACTOR && r.reactor !== INTEGRITY_REACTOR) result[`reactor.${r.reactor}`] = { state: r.state, message: r.message };
      }
      Object.assign(result, ops.readiness()); // 'integrity'
      return result;
    },
    async close() {
      await ops.close();
      await reactors?.stop();
      await executions?.stop();
      if (projector) await projector.stop();
      await feeds?.closeAll();
      await stores.close();
    },
  };
  return runtime;
}
