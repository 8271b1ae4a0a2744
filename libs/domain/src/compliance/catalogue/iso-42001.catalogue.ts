import type { CatalogueControl } from '../control-catalogue';

/** ISO/IEC 42001:2023 Annex A (AI management system controls): the subset agent receipts speak to. */
export const ISO_42001_CONTROLS: readonly CatalogueControl[] = [
  {
    controlId: 'A.2.2',
    title: 'AI policy',
    description: 'A documented policy for the development or use of AI systems is in force: the policy documents put in force, by hash.',
    evidence: { allOf: ['policy_published'] },
  },
  {
    controlId: 'A.3.2',
    title: 'AI roles and responsibilities',
    description: 'Roles and responsibilities for AI are defined: every agent action is attributed to its agent and user.',
    evidence: { allOf: ['actor_attributed'] },
  },
  {
    controlId: 'A.6.2.6',
    title: 'AI system operation and monitoring',
    description: 'The AI system is operated and monitored: each action is evaluated against the policy and its execution recorded.',
    evidence: { allOf: ['policy_decision', 'execution_recorded'] },
  },
  {
    controlId: 'A.6.2.8',
    title: 'AI system recording of event logs',
    description: 'Event logs are recorded over the life of the AI system: a signed, hash-chained receipt per event, under a key whose custody is recorded.',
    evidence: { allOf: ['signed_receipts', 'key_custody'] },
  },
  {
    controlId: 'A.9.2',
    title: 'Processes for responsible use of AI systems',
    description: 'Processes for the responsible use of AI systems are applied: actions are decided by policy and high-risk ones approved by a human.',
    evidence: { allOf: ['policy_decision', 'human_approval'] },
  },
  {
    controlId: 'A.9.3',
    title: 'Objectives for responsible use of AI systems',
    description: 'Objectives guiding responsible use are enforced: actions outside them are refused.',
    evidence: { allOf: ['denied_action'] },
  },
  {
    controlId: 'A.9.4',
    title: 'Intended use of the AI system',
    description: 'The AI system is used as intended: the policy in force defines intended use and each action is evaluated against it.',
    evidence: { allOf: ['policy_published', 'policy_decision'] },
  },
];
