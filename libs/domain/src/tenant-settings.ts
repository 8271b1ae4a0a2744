/**
 * Tenant settings live in the tenant stream like everything else; the latest receipt of each of these
 * aggregate subjects is the setting in force. The chain writer keeps them in memory per tenant (see
 * `BuildContext.setting`), so decisions never query a database and never use a stale setting.
 */
export const PUBLISHED_POLICY_SUBJECT = 'policyset.published';
export const APPROVAL_WORKFLOW_SUBJECT = 'approvalworkflow.current';

export const TENANT_SETTINGS_SUBJECTS: readonly string[] = [PUBLISHED_POLICY_SUBJECT, APPROVAL_WORKFLOW_SUBJECT];
