import { RECEIPT_VERSION } from '../receipt.types';
import { isRecord } from './json-shape';

export interface SchemaCheck {
  isSchemaValid: boolean;
  errors: string[];
}

type Rule = (value: unknown) => boolean;
/** A field rule, or a nested object spec; `nullable` specs accept null instead of the object. */
type Spec = { [field: string]: Rule | NestedSpec };
interface NestedSpec {
  nullable: boolean;
  fields: Spec;
}

const str: Rule = (v) => typeof v === 'string';
const nonEmpty: Rule = (v) => typeof v === 'string' && v.length > 0;
const strOrNull: Rule = (v) => v === null || typeof v === 'string';
const hex64: Rule = (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
const hex64OrNull: Rule = (v) => v === null || hex64(v);
const strings: Rule = (v) => Array.isArray(v) && v.every(str);
const oneOf = (...allowed: unknown[]): Rule => (v) => allowed.includes(v);
const nested = (fields: Spec, nullable = true): NestedSpec => ({ nullable, fields });

const RECEIPT_SPEC: Spec = {
  receiptId: nonEmpty,
  version: oneOf(RECEIPT_VERSION),
  tenantId: nonEmpty,
  region: nonEmpty,
  sequence: (v) => Number.isSafeInteger(v) && (v as number) >= 1,
  type: nonEmpty,
  timestamp: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  actionId: strOrNull,
  actor: nested({ userId: strOrNull, agentId: str, serviceId: strOrNull, delegationChain: strings }),
  resource: nested({ toolId: str, operation: str, target: str }),
  policy: nested({
    policySetId: str,
    policyVersion: str,
    policyHash: hex64,
    decision: oneOf('allow', 'deny', 'approve', 'quarantine'),
    ruleIds: strings,
    rationale: str,
  }),
  risk: nested({ score: (v) => typeof v === 'number', tier: oneOf('low', 'medium', 'high', 'critical'), signals: strings }),
  inputHash: hex64OrNull,
  telemetry: nested({ traceId: str, spanId: str, requestId: strOrNull }),
  data: (v) => isRecord(v),
  integrity: nested(
    {
      prevEventHash: hex64OrNull,
      prevReceiptHash: hex64OrNull,
      receiptHash: hex64,
      signature: nonEmpty,
      signingKeyId: nonEmpty,
      signatureAlg: oneOf('Ed25519'),
    },
    false,
  ),
};

/**
 * Checks every field of the {@link Receipt} type is present with the right type (OARS v1 only checked
 * four fields were truthy). Errors name the fields: "Receipt schema fields missing: integrity.signature".
 */
export function checkReceiptSchema(receipt: unknown): SchemaCheck {
  const missing: string[] = [];
  const invalid: string[] = [];
  if (!isRecord(receipt)) return { isSchemaValid: false, errors: ['Receipt is not a JSON object.'] };
  walk(RECEIPT_SPEC, receipt, '', missing, invalid);
  const errors: string[] = [];
  if (missing.length > 0) errors.push(`Receipt schema fields missing: ${missing.join(', ')}`);
  if (invalid.length > 0) errors.push(`Receipt schema fields invalid: ${invalid.join(', ')}`);
  return { isSchemaValid: errors.length === 0, errors };
}

function walk(spec: Spec, value: Record<string, unknown>, prefix: string, missing: string[], invalid: string[]): void {
  for (const field of Object.keys(spec)) {
    const rule = spec[field];
    const path = prefix + field;
    const member = value[field];
    if (member === undefined) {
      missing.push(path);
    } else if (typeof rule === 'function') {
      if (!rule(member)) invalid.push(path);
    } else if (member === null) {
      if (!rule.nullable) invalid.push(path);
    } else if (!isRecord(member)) {
      invalid.push(path);
    } else {
      walk(rule.fields, member, `${path}.`, missing, invalid);
    }
  }
}

