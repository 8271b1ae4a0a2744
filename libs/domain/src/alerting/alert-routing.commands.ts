/** The submitted, not yet validated rule (`POST /v1/admin/ops/alert-routing`, OARS v1 §1.3 #40). */
export interface AlertRoutingContent {
  severity: unknown;
  channels: unknown;
  escalationMinutes: unknown;
}

/** Sets the tenant's routing rule of one severity, replacing the one it had. */
export interface ConfigureAlertRouting {
  readonly type: 'ConfigureAlertRouting';
  readonly data: { tenantId: string; content: AlertRoutingContent };
  /** Time and the caller come in here, never from a clock inside `decide`. */
  readonly metadata: { now: string; actor: string };
}

export type AlertRoutingCommand = ConfigureAlertRouting;
