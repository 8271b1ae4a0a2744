export * from './ops.types';
export { foldOpsReceipts, defaultPolicyHash, emptyCounters, minuteOf, type OpsFoldInput, type OpsFoldOutput } from './ops-fold';
export { opsProjection } from './ops.projection';
export * from './ops.queries';
export { insertSecurityEvents } from './security-events.store';
export { encodeSecurityEventCursor, decodeSecurityEventCursor, type SecurityEventPosition } from './security-event-cursor';
export { securityEventOfReceipt } from './receipt-security-events';
