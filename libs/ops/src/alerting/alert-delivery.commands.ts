import {
  type AlertDeliveryCommand,
  type AlertDeliveryEvent,
  type AlertDeliveryRecord,
  type AlertNotification,
  type DeliveryAttemptOutcome,
  type DeliveryTarget,
  alertDeliveriesStateOf,
  alertDeliveryEventOf,
  alertDeliveryIdOf,
  alertDeliverySubject,
  decideAlertDelivery,
} from '@oars/domain';
import { type CommandDeps, aggregateDraft, derivedId, handleCommand, latestReceipt, newTelemetry } from '@oars/ledger';

/**
 * The delivery commands (the alert-delivery decider) through `handleCommand`: each delivery is an
 * aggregate `alertdelivery.<deliveryId>` whose latest receipt carries it whole. Receipt ids derive
 * from the delivery, the event type and its try, so a raced or repeated command collapses.
 */
export class AlertDeliveryCommands {
  constructor(private readonly deps: CommandDeps) {}

  /** A delivery as its latest receipt records it, or null. */
  async delivery(tenantId: string, deliveryId: string): Promise<AlertDeliveryRecord | null> {
    return alertDeliveryEventOf(await latestReceipt(this.deps.store, tenantId, alertDeliverySubject(deliveryId)))?.data.delivery ?? null;
  }

  /** Records the deliveries of a notification not recorded yet; answers every delivery of the targets. */
  async request(tenantId: string, sourceId: string, notification: AlertNotification, targets: readonly DeliveryTarget[], now: Date): Promise<AlertDeliveryRecord[]> {
    const ids = [...new Set(targets.map((t) => alertDeliveryIdOf(sourceId, t.channelId)))];
    const state = await this.run(tenantId, ids, { type: 'RequestAlertDeliveries', data: { tenantId, sourceId, notification, targets }, metadata: { now: now.toISOString() } });
    return ids.map((id) => state.get(id)).filter((d): d is AlertDeliveryRecord => d !== undefined);
  }

  /** Records a counted try; answers the delivery after it (unchanged when it had ended already). */
  async recordAttempt(tenantId: string, deliveryId: string, outcome: DeliveryAttemptOutcome, metadata: { now: Date; maxAttempts: number; retryAt: Date }): Promise<AlertDeliveryRecord | null> {
    const command: AlertDeliveryCommand = {
      type: 'RecordAlertDeliveryAttempt',
      data: { deliveryId, outcome },
      metadata: { now: metadata.now.toISOString(), maxAttempts: metadata.maxAttempts, retryAt: metadata.retryAt.toISOString() },
    };
    return (await this.run(tenantId, [deliveryId], command)).get(deliveryId) ?? null;
  }

  /** Sends a failed or dead delivery again from its first try (operators); answers it, pending. */
  async replay(tenantId: string, deliveryId: string, actor: string, requestId: string | null, now = new Date()): Promise<AlertDeliveryRecord> {
    const state = await this.run(tenantId, [deliveryId], { type: 'ReplayAlertDelivery', data: { deliveryId }, metadata: { now: now.toISOString(), actor } }, requestId);
    return state.get(deliveryId)!;
  }

  /** Decides on the deliveries' latest receipts and appends; answers the deliveries after the command. */
  private async run(tenantId: string, deliveryIds: readonly string[], command: AlertDeliveryCommand, requestId: string | null = null): Promise<ReadonlyMap<string, AlertDeliveryRecord>> {
    const subjects = deliveryIds.map(alertDeliverySubject);
    const { value } = await handleCommand(this.deps, {
      tenantId,
      subjects,
      load: async (read) => alertDeliveriesStateOf((await Promise.all(subjects.map(read))).map(alertDeliveryEventOf)),
      decide: (state) => decideAlertDelivery(state, command),
      drafts: (events) => events.map((e) => draftOf(tenantId, e, requestId)),
      answer: ({ state, events }) => {
        const after = new Map(state.deliveries);
        for (const e of events) after.set(e.data.delivery.deliveryId, e.data.delivery);
        return after;
      },
    });
    return value;
  }
}

function draftOf(tenantId: string, event: AlertDeliveryEvent, requestId: string | null) {
  const { deliveryId, replays, attempts } = event.data.delivery;
  const draft = aggregateDraft(derivedId('rcpt', tenantId, deliveryId, event.type, String(replays), String(attempts)), event.type, event.subject, event.data as unknown as Record<string, unknown>);
  return requestId ? { ...draft, telemetry: newTelemetry(requestId) } : draft;
}
