import type { IncidentCommand } from './incident.commands';
import type { IncidentEvent } from './incident.events';
import type { IncidentState } from './incident.state';
import { decideChangeCorrectiveAction, decideClose, decideRecordEvidence, decideResolve } from './incident-close.decide';
import { decideDeclare, decideOpenFromAlert } from './incident-open.decide';
import { decideAcknowledge, decideEscalate, decidePostUpdate, decideRemindUpdate } from './incident-response.decide';

/**
 * The incident decider. The state is the incident's latest snapshot (for the commands that may
 * open one from an alert: the latest incident of the alert's group), null when there is none.
 */
export function decideIncident(state: IncidentState | null, command: IncidentCommand): IncidentEvent[] {
  switch (command.type) {
    case 'OpenIncidentFromAlert':
      return decideOpenFromAlert(state, command);
    case 'DeclareIncident':
      return decideDeclare(state, command);
    case 'AcknowledgeIncident':
      return decideAcknowledge(state, command);
    case 'EscalateIncident':
      return decideEscalate(state, command);
    case 'PostIncidentUpdate':
      return decidePostUpdate(state, command);
    case 'RemindIncidentUpdate':
      return decideRemindUpdate(state, command);
    case 'RecordEvidencePreserved':
      return decideRecordEvidence(state, command);
    case 'ResolveIncident':
      return decideResolve(state, command);
    case 'CloseIncident':
      return decideClose(state, command);
    case 'ChangeCorrectiveAction':
      return decideChangeCorrectiveAction(state, command);
    default: {
      const never: never = command;
      throw new Error(`Unknown incident command ${JSON.stringify(never)}`);
    }
  }
}
