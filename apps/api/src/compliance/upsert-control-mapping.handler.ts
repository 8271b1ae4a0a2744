import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  type ControlMappingRecord,
  type UpsertControlMapping,
  complianceEventOf,
  controlMappingStateOf,
  controlMappingSubject,
  decideUpsertControlMapping,
  initialControlMappingState,
} from '@oars/domain';
import { aggregateDraft, derivedId, handleCommand, newTelemetry, randomId } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { UpsertControlMappingCommand } from './compliance.commands';

/**
 * `POST /v1/admin/compliance/control-mappings` (rules: UpsertControlMapping of the compliance
 * decider): `compliance.control_mapping.upserted` on the mapping's subject, whose id derives from
 * (tenant, framework, controlId). The same content again appends nothing and answers the mapping.
 */
@CommandHandler(UpsertControlMappingCommand)
export class UpsertControlMappingHandler implements ICommandHandler<UpsertControlMappingCommand, ControlMappingRecord> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ body, caller, requestId }: UpsertControlMappingCommand): Promise<ControlMappingRecord> {
    const { tenantId, framework, controlId, controlDescription, requiredNodeTypes, receiptFilters } = body;
    const mappingId = derivedId('ctl', tenantId, String(framework), String(controlId));
    const subject = controlMappingSubject(mappingId);
    const command: UpsertControlMapping = {
      type: 'UpsertControlMapping',
      data: { tenantId, content: { framework, controlId, controlDescription, requiredNodeTypes, receiptFilters } },
      metadata: { now: new Date().toISOString(), actor: caller.subject, mappingId },
    };
    // Decided once before queueing, so invalid content is refused without touching the stream.
    decideUpsertControlMapping(initialControlMappingState, command);
    const receiptId = randomId('rcpt');
    const { value } = await handleCommand(this.runtime, {
      tenantId,
      subjects: [subject],
      load: async (read) => controlMappingStateOf([complianceEventOf(await read(subject))]),
      decide: (state) => decideUpsertControlMapping(state, command),
      drafts: (events) => events.map((e) => ({ ...aggregateDraft(receiptId, e.type, e.subject, e.data as unknown as Record<string, unknown>), telemetry: newTelemetry(requestId) })),
      answer: ({ state, events }) => events[0]?.data.mapping ?? state.mapping!,
    });
    return value;
  }
}
