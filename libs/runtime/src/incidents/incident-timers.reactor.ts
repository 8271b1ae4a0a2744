import { INCIDENT_EVENT_TYPES, type IncidentState, incidentOf, incidentTimerPlan } from '@oars/domain';
import { receiptOf } from '@oars/ledger';
import type { Reactor, ReactorContext } from '@oars/reactors';
import type { IncidentService } from './incident.service';

/** The reactor's name: its checkpoints, lease and timers. */
export const INCIDENT_TIMERS_REACTOR = 'incident_timers';

const ESCALATE = 'escalate:';
const REMIND = 'remind:';

/** Sets (or cancels) an incident's two timers as its latest snapshot asks: the next escalation step and the next cadence reminder. */
async function planTimers(incident: IncidentState, ctx: Pick<ReactorContext, 'setTimer' | 'cancelTimer'>): Promise<void> {
  const { escalation, reminder } = incidentTimerPlan(incident);
  if (escalation) await ctx.setTimer(ESCALATE + incident.incidentId, Date.parse(escalation.dueAt), { level: escalation.level });
  else await ctx.cancelTimer(ESCALATE + incident.incidentId);
  if (reminder) await ctx.setTimer(REMIND + incident.incidentId, Date.parse(reminder.dueAt), { dueAt: reminder.dueAt });
  else await ctx.cancelTimer(REMIND + incident.incidentId);
}

/**
 * Escalation and the communication cadence on durable timers. Every incident receipt carries the
 * whole snapshot, so each one re-plans the incident's timers (acknowledgement and resolution cancel
 * them). A firing issues the step through the incident service, whose decider does nothing unless
 * the step is still due, then re-plans from the incident as it stands, so a stale timer heals
 * itself. It never parks: an incident without its timers would stop escalating.
 */
export function incidentTimersReactor(incidents: IncidentService, now: () => Date = () => new Date()): Reactor {
  return {
    name: INCIDENT_TIMERS_REACTOR,
    maxAttempts: Infinity,
    eventTypes: INCIDENT_EVENT_TYPES,
    async handle(event, ctx) {
      const incident = incidentOf(receiptOf(event).data);
      if (incident && incident.tenantId === ctx.stream) await planTimers(incident, ctx);
    },
    async onTimer(timer, ctx) {
      // A timer fires at or after its due time: decide as of then at least, whatever this clock says.
      const at = new Date(Math.max(now().getTime(), timer.dueAt.getTime()));
      const payload = (timer.payload ?? {}) as { level?: unknown; dueAt?: unknown };
      let incident: IncidentState | null = null;
      if (timer.key.startsWith(ESCALATE) && typeof payload.level === 'number') {
        incident = await incidents.escalate(timer.stream, timer.key.slice(ESCALATE.length), payload.level, at);
      } else if (timer.key.startsWith(REMIND) && typeof payload.dueAt === 'string') {
        incident = await incidents.remindUpdate(timer.stream, timer.key.slice(REMIND.length), payload.dueAt, at);
      }
      if (incident) await planTimers(incident, ctx);
    },
  };
}
