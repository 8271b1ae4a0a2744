import { RECEIPT_VERSION, type UnsignedReceipt } from '../src/receipt.types';
import { randomJson, randomNumber, randomString } from './random-json';
import type { SeededRandom } from './seeded-random';

/** A well-formed unsigned receipt with random contents (action or key receipt), signed later with `signingKeyId`. */
export function randomUnsignedReceipt(random: SeededRandom, signingKeyId: string, sequence = random.int(1, 1_000_000)): UnsignedReceipt {
  const isAction = random.next() < 0.8;
  const hashOrNull = () => (random.bool() ? random.hex(64) : null);
  const data = randomJson(random, 3);
  return {
    receiptId: `rcpt_${random.hex(32)}`,
    version: RECEIPT_VERSION,
    tenantId: `tenant_${randomString(random, 4)}`,
    region: random.pick(['eu-west-1', 'us-east-1']),
    sequence,
    type: isAction ? random.pick(['action.requested', 'action.approved', 'action.executed', 'action.denied']) : 'key.generated',
    timestamp: new Date(1_700_000_000_000 + random.int(0, 1e9)).toISOString(),
    actionId: isAction ? `act_${random.hex(32)}` : null,
    actor: isAction
      ? { userId: random.bool() ? randomString(random) : null, agentId: randomString(random), serviceId: 'oars-gateway', delegationChain: [randomString(random), 'oars-gateway'] }
      : null,
    resource: isAction ? { toolId: randomString(random), operation: randomString(random), target: randomString(random, 10) } : null,
    policy: isAction
      ? { policySetId: 'pol_1', policyVersion: String(random.int(1, 9)), policyHash: random.hex(64), decision: random.pick(['allow', 'deny', 'approve', 'quarantine'] as const), ruleIds: ['R-1'], rationale: randomString(random, 12) }
      : null,
    risk: isAction ? { score: randomNumber(random), tier: random.pick(['low', 'medium', 'high', 'critical'] as const), signals: [randomString(random)] } : null,
    inputHash: isAction ? random.hex(64) : null,
    telemetry: isAction ? { traceId: `trc_${random.hex(32)}`, spanId: `spn_${random.hex(32)}`, requestId: random.bool() ? `req_${random.hex(32)}` : null } : null,
    data: data !== null && typeof data === 'object' && !Array.isArray(data) ? data : { value: data },
    integrity: { prevEventHash: hashOrNull(), prevReceiptHash: isAction ? hashOrNull() : null, signingKeyId, signatureAlg: 'Ed25519' },
  };
}
