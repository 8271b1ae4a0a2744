import type { CatalogueControl } from '../control-catalogue';

/** AICPA Trust Services Criteria (2017, revised points of focus 2022), common criteria CC6-CC8: the subset agent receipts speak to. */
export const SOC2_CONTROLS: readonly CatalogueControl[] = [
  {
    controlId: 'CC6.1',
    title: 'Logical access security',
    description: 'Logical access security software, infrastructure and architectures protect information assets; encryption keys are protected.',
    evidence: { allOf: ['policy_decision', 'key_custody'] },
  },
  {
    controlId: 'CC6.2',
    title: 'Registration and authorization of users',
    description: 'Access is granted to registered and authorized users: every agent action names the agent and the user it acts for.',
    evidence: { allOf: ['actor_attributed'] },
  },
  {
    controlId: 'CC6.3',
    title: 'Role-based access and segregation of duties',
    description: 'Access to protected assets is authorized on least privilege and segregation of duties: actions outside policy are refused, sensitive ones approved by someone other than the requester.',
    evidence: { allOf: ['denied_action', 'human_approval'] },
  },
  {
    controlId: 'CC7.2',
    title: 'Monitoring of system components',
    description: 'System components are monitored for anomalies: every agent action and its outcome is recorded in the signed chain.',
    evidence: { allOf: ['signed_receipts', 'execution_recorded'] },
  },
  {
    controlId: 'CC7.3',
    title: 'Evaluation of security events',
    description: 'Security events are evaluated and acted upon: refused actions are recorded with the rule or approver that refused them.',
    evidence: { allOf: ['denied_action'] },
  },
  {
    controlId: 'CC8.1',
    title: 'Change management',
    description: 'Changes are authorized, documented and approved before implementation: policy changes are recorded with who published them, high-risk changes by agents approved by a human.',
    evidence: { allOf: ['policy_published', 'human_approval'] },
  },
];
