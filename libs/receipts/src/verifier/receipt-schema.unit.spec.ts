import vectorFile from '../../test-vectors/receipt-vectors.json';
import type { Receipt } from '../receipt.types';
import { checkReceiptSchema } from './receipt-schema.check';

const [keyReceipt, actionReceipt] = vectorFile.vectors.map((v) => v.receipt as unknown as Receipt).filter((_, i) => i === 0 || i === 3);

describe('checkReceiptSchema', () => {
  it('accepts action and key receipts', () => {
    expect(checkReceiptSchema(actionReceipt)).toEqual({ isSchemaValid: true, errors: [] });
    expect(checkReceiptSchema(keyReceipt)).toEqual({ isSchemaValid: true, errors: [] });
  });

  it('names missing fields, nested ones with their path', () => {
    const { integrity, ...noIntegrity } = actionReceipt;
    expect(checkReceiptSchema(noIntegrity).errors).toEqual(['Receipt schema fields missing: integrity']);
    const { signature: _s, ...integrityWithoutSignature } = integrity;
    const { policyHash: _p, ...policy } = actionReceipt.policy!;
    const result = checkReceiptSchema({ ...actionReceipt, policy, integrity: integrityWithoutSignature });
    expect(result).toEqual({ isSchemaValid: false, errors: ['Receipt schema fields missing: policy.policyHash, integrity.signature'] });
  });

  it('names fields of the wrong type or value', () => {
    const result = checkReceiptSchema({
      ...actionReceipt,
      sequence: 0,
      version: '1.0.0',
      actor: 'someone',
      risk: { ...actionReceipt.risk!, tier: 'extreme' },
      integrity: { ...actionReceipt.integrity, receiptHash: 'XYZ', signatureAlg: 'RS256', prevEventHash: 42 },
    });
    expect(result.errors).toEqual([
      'Receipt schema fields invalid: version, sequence, actor, risk.tier, integrity.prevEventHash, integrity.receiptHash, integrity.signatureAlg',
    ]);
  });

  it('accepts null for nullable blocks but not for integrity or data', () => {
    expect(checkReceiptSchema({ ...actionReceipt, actor: null, policy: null }).isSchemaValid).toBe(true);
    expect(checkReceiptSchema({ ...actionReceipt, integrity: null, data: null }).errors).toEqual(['Receipt schema fields invalid: data, integrity']);
  });

  it('rejects what is not an object', () => {
    for (const value of [null, 'receipt', [actionReceipt], 7]) {
      expect(checkReceiptSchema(value)).toEqual({ isSchemaValid: false, errors: ['Receipt is not a JSON object.'] });
    }
  });
});
