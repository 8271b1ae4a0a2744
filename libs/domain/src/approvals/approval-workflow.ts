import type { ApprovalStage, ApprovalStageMode, ApprovalWorkflow } from './approval.types';

/** One stage as an administrator writes it (OARS v1 §1.3 #61). */
export interface ApprovalStageInput {
  name: string;
  mode: ApprovalStageMode;
  requiredApprovals: number;
  approverIds?: string[];
  slaSeconds?: number | null;
  escalateTo?: string[];
}

export interface WorkflowProblem {
  /** e.g. `stages.1.requiredApprovals` */
  field: string;
  message: string;
}

const uniqueSorted = (list: readonly string[] | undefined) => [...new Set(list ?? [])].sort();

/**
 * The rules of a workflow beyond field types (OARS v1 §2.4): at least one stage; `serial` means one
 * approver (`requiredApprovals` = 1); `parallel` is an N-of-M quorum, so N cannot exceed the
 * (deduplicated) approver list when one is given.
 */
export function validateWorkflowStages(stages: readonly ApprovalStageInput[]): WorkflowProblem[] {
  if (stages.length === 0) return [{ field: 'stages', message: 'stages must contain at least 1 stage' }];
  const problems: WorkflowProblem[] = [];
  stages.forEach((stage, i) => {
    const field = `stages.${i}.requiredApprovals`;
    if (stage.mode === 'serial' && stage.requiredApprovals !== 1) {
      problems.push({ field, message: 'Serial approval stages must use requiredApprovals = 1.' });
    }
    const approvers = uniqueSorted(stage.approverIds);
    if (approvers.length > 0 && stage.requiredApprovals > approvers.length) {
      problems.push({ field, message: 'Stage requiredApprovals cannot exceed number of scoped approverIds.' });
    }
  });
  return problems;
}

/**
 * ConfigureApprovalWorkflow: the workflow replacing `current`.
 * Approver and escalation lists are deduplicated and sorted; stage ids are new on every change, as
 * in OARS v1 (id, createdAt and createdBy stay those of the first configuration). Call
 * `validateWorkflowStages` first.
 */
export function configureApprovalWorkflow(input: {
  tenantId: string;
  stages: readonly ApprovalStageInput[];
  current: ApprovalWorkflow | null;
  newWorkflowId: string;
  newStageIds: readonly string[];
  by: string;
  now: string;
}): ApprovalWorkflow {
  const stages: ApprovalStage[] = input.stages.map((s, i) => ({
    id: input.newStageIds[i]!,
    name: s.name,
    mode: s.mode,
    requiredApprovals: s.requiredApprovals,
    approverIds: uniqueSorted(s.approverIds),
    slaSeconds: s.slaSeconds ?? null,
    escalateTo: uniqueSorted(s.escalateTo),
  }));
  return {
    id: input.current?.id ?? input.newWorkflowId,
    tenantId: input.tenantId,
    stages,
    createdAt: input.current?.createdAt ?? input.now,
    updatedAt: input.now,
    createdBy: input.current?.createdBy ?? input.by,
  };
}
