import type { PolicyDocument } from '@oars/policy';
import type { ReceiptResource } from '@oars/receipts';
import type { StepUpEvidence } from '../approvals/decide-approval';
import type { ApprovalWorkflow } from '../approvals/approval.types';
import type { ExecutionOutcome } from './execution';

/** Which action, and when: time and ids come in here, never from a clock or a random source inside `decide`. */
export interface ActionCommandMetadata {
  readonly tenantId: string;
  readonly actionId: string;
  /** ISO-8601 UTC. */
  readonly now: string;
}

/** A command an authenticated caller gives: who they are (token subject) and whether they are an admin. */
export interface CallerCommandMetadata extends ActionCommandMetadata {
  readonly actor: string;
  readonly callerIsAdmin: boolean;
}

/**
 * Facts about the tenant that decisions read as of the head the events are appended after: the
 * policy in force (or the built-in default) and the tools OARS executes through an HTTP connector.
 */
export interface TenantFacts {
  readonly policy: PolicyDocument;
  readonly httpToolIds: ReadonlySet<string>;
}

/** `POST /v1/actions`: the submission, already validated, with `userId` resolved (the caller's subject by default). */
export interface SubmitAction {
  readonly type: 'SubmitAction';
  readonly data: TenantFacts & {
    readonly agentId: string;
    readonly userId: string;
    readonly resource: ReceiptResource;
    /** SHA-256 of the canonical input: receipts keep only the hash, never the input itself. */
    readonly inputHash: string;
    /**
     * The built-in connector's outcome on the input (`planExecution`: deterministic and side-effect
     * free, so it is planned before deciding), or null for a tool its HTTP connector or agent runs.
     */
    readonly execution: ExecutionOutcome | null;
    readonly context: { readonly environment?: string; readonly dataTypes?: string[] };
    /** SHA-256 of the canonical idempotency request, or null without an Idempotency-Key. */
    readonly idempotencyRequestHash: string | null;
    /** The tenant's workflow an `approve` decision opens an approval of. */
    readonly workflow: ApprovalWorkflow;
    /** Pending approvals expire after this many seconds (null: never). */
    readonly approvalExpirySeconds: number | null;
  };
  readonly metadata: ActionCommandMetadata;
}

/** One approver approves or rejects the stage the action's approval is at. */
export interface DecideApproval {
  readonly type: 'DecideApproval';
  readonly data: TenantFacts & {
    readonly approverId: string;
    readonly decision: 'approve' | 'reject';
    /** SHA-256 of the reason; the reason never enters a receipt. */
    readonly reasonHash: string;
    readonly stepUp: StepUpEvidence;
  };
  readonly metadata: ActionCommandMetadata;
}

export interface CancelAction {
  readonly type: 'CancelAction';
  /** Free text; only its SHA-256 goes into the receipt. */
  readonly data: { readonly reason: string | null };
  readonly metadata: CallerCommandMetadata;
}

/** What an agent reports after executing an approved action itself. */
export type ActionResultReport = { status: 'executed'; outputHash: string } | { status: 'failed'; error: string };

export interface ReportActionResult {
  readonly type: 'ReportActionResult';
  readonly data: { readonly report: ActionResultReport };
  readonly metadata: CallerCommandMetadata;
}

/** The outcome of an HTTP connector's call, from the execution consumer. */
export interface RecordConnectorOutcome {
  readonly type: 'RecordConnectorOutcome';
  readonly data: { readonly outcome: ExecutionOutcome };
  readonly metadata: ActionCommandMetadata;
}

/** A timer: the approval's expiry may have passed. */
export interface ExpireApproval {
  readonly type: 'ExpireApproval';
  readonly data: Record<string, never>;
  readonly metadata: ActionCommandMetadata;
}

/** A timer: the approval's current stage may have passed its SLA. */
export interface EscalateApproval {
  readonly type: 'EscalateApproval';
  readonly data: Record<string, never>;
  readonly metadata: ActionCommandMetadata;
}

export type ActionCommand =
  | SubmitAction
  | DecideApproval
  | CancelAction
  | ReportActionResult
  | RecordConnectorOutcome
  | ExpireApproval
  | EscalateApproval;
