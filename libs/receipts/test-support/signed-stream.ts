import { signReceipt } from '../src/receipt-signing';
import { RECEIPT_VERSION, type KeyReceiptData, type Receipt } from '../src/receipt.types';
import type { GeneratedSigningKey } from '../src/signing-keys';

/**
 * A correctly chained, signed tenant stream: sequence 1 is the key.generated receipt of `key`, then one
 * receipt per entry of `actions` (an action id, or null for a non-action receipt).
 */
export function signedStream(key: GeneratedSigningKey, actions: Array<string | null>, tenantId = 'tenant_test'): Receipt[] {
  const out: Receipt[] = [];
  const lastOfAction = new Map<string, string>();
  [null, ...actions].forEach((actionId, index) => {
    const sequence = index + 1;
    const receipt = signReceipt(
      {
        receiptId: `rcpt_${sequence.toString(16).padStart(32, '0')}`,
        version: RECEIPT_VERSION,
        tenantId,
        region: 'eu-west-1',
        sequence,
        type: index === 0 ? 'key.generated' : actionId ? 'action.requested' : 'policy.published',
        timestamp: new Date(Date.UTC(2026, 1, 14, 10, 0, 0, sequence)).toISOString(),
        actionId,
        actor: actionId ? { userId: 'u1', agentId: 'agent_x', serviceId: 'oars-gateway', delegationChain: ['u1', 'agent_x', 'oars-gateway'] } : null,
        resource: actionId ? { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' } : null,
        policy: actionId ? { policySetId: 'pol_1', policyVersion: '1', policyHash: 'a'.repeat(64), decision: 'allow', ruleIds: ['R-1'], rationale: 'ok' } : null,
        risk: actionId ? { score: 10, tier: 'low', signals: [] } : null,
        inputHash: actionId ? 'b'.repeat(64) : null,
        telemetry: actionId ? { traceId: 'trc_1', spanId: 'spn_1', requestId: null } : null,
        data: index === 0 ? { ...keyGeneratedData(key, tenantId) } : {},
        integrity: {
          prevEventHash: out.length > 0 ? out[out.length - 1].integrity.receiptHash : null,
          prevReceiptHash: actionId ? (lastOfAction.get(actionId) ?? null) : null,
          signingKeyId: key.keyId,
          signatureAlg: 'Ed25519',
        },
      },
      key,
    );
    if (actionId) lastOfAction.set(actionId, receipt.integrity.receiptHash);
    out.push(receipt);
  });
  return out;
}

export function keyGeneratedData(key: GeneratedSigningKey, tenantId: string): KeyReceiptData {
  const entry = { keyId: key.keyId, tenantId, status: 'active', createdAt: '2026-02-14T10:00:00.000Z', rotatedAt: null, publicKeyPem: key.publicKeyPem };
  return { keyring: { activeKeyId: key.keyId, keys: [entry] }, newKeyId: key.keyId, previousKeyId: null };
}
