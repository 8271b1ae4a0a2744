import { verifyChain, type ChainLink } from './receipt-chain.verify';

const hash = (n: number) => n.toString(16).padStart(64, '0');

/** A valid chain: receipt i (1-based) belongs to actions[i-1] (null: not an action receipt). */
function chain(actions: Array<string | null>): ChainLink[] {
  const lastOfAction = new Map<string, string>();
  return actions.map((actionId, index) => {
    const sequence = index + 1;
    const link: ChainLink = {
      sequence,
      tenantId: 'tenant_a',
      region: 'eu-west-1',
      actionId,
      integrity: {
        prevEventHash: sequence === 1 ? null : hash(sequence - 1),
        prevReceiptHash: actionId ? (lastOfAction.get(actionId) ?? null) : null,
        receiptHash: hash(sequence),
      },
    };
    if (actionId) lastOfAction.set(actionId, hash(sequence));
    return link;
  });
}

const ACTIONS = [null, 'act_1', 'act_1', 'act_2', 'act_1', 'act_2', null, 'act_3'];

describe('verifyChain', () => {
  it('accepts a valid tenant chain with interleaved action chains, in any input order', () => {
    const links = chain(ACTIONS);
    expect(verifyChain(links)).toEqual({ isChainValid: true, errors: [] });
    expect(verifyChain([...links].reverse(), { expectFirstSequence: 1 })).toEqual({ isChainValid: true, errors: [] });
    expect(verifyChain([])).toEqual({ isChainValid: true, errors: [] });
  });

  it('reports a missing receipt as a gap', () => {
    const links = chain(ACTIONS).filter((l) => l.sequence !== 4);
    const result = verifyChain(links);
    expect(result.isChainValid).toBe(false);
    expect(result.errors).toContain('Chain gap: sequence 4 missing.');
    expect(verifyChain(chain(ACTIONS).filter((l) => l.sequence < 3 || l.sequence > 5)).errors).toContain('Chain gap: sequences 3 to 5 missing.');
  });

  it('reports duplicate sequences', () => {
    const links = chain(ACTIONS);
    expect(verifyChain([...links, { ...links[2] }]).errors).toEqual(['Duplicate sequence 3.']);
  });

  it('reports a broken tenant link and a non-null first prev hash', () => {
    const links = chain(ACTIONS);
    links[4] = { ...links[4], integrity: { ...links[4].integrity, prevEventHash: hash(99) } };
    links[0] = { ...links[0], integrity: { ...links[0].integrity, prevEventHash: hash(0) } };
    expect(verifyChain(links).errors).toEqual(['First receipt has non-null prev hash.', 'Receipt hash chain broken at sequence 5.']);
  });

  it('reports a broken action chain, a first action receipt with a prev hash, and a prevReceiptHash without action', () => {
    const links = chain(ACTIONS);
    links[4] = { ...links[4], integrity: { ...links[4].integrity, prevReceiptHash: hash(2) } };
    links[7] = { ...links[7], integrity: { ...links[7].integrity, prevReceiptHash: hash(7) } };
    links[6] = { ...links[6], integrity: { ...links[6].integrity, prevReceiptHash: hash(6) } };
    expect(verifyChain(links).errors).toEqual([
      'Action chain broken at sequence 5 (action act_1).',
      'Sequence 7 has a prevReceiptHash but no action.',
      'Action chain broken at sequence 8 (action act_3).',
    ]);
  });

  it('accepts an excerpt unless the whole stream is expected', () => {
    const excerpt = chain(ACTIONS).slice(4);
    expect(verifyChain(excerpt)).toEqual({ isChainValid: true, errors: [] });
    expect(verifyChain(excerpt, { expectFirstSequence: 1 }).errors).toContain('Chain gap: sequences 1 to 4 missing.');
    expect(verifyChain(excerpt, { expectFirstSequence: 5 }).isChainValid).toBe(true);
  });

  it('still checks action links inside an excerpt once an action has been seen', () => {
    const excerpt = chain(ACTIONS).slice(2);
    excerpt[2] = { ...excerpt[2], integrity: { ...excerpt[2].integrity, prevReceiptHash: hash(2) } };
    expect(verifyChain(excerpt).errors).toEqual(['Action chain broken at sequence 5 (action act_1).']);
  });

  it('reports receipts of another tenant or region', () => {
    const links = chain(ACTIONS);
    links[3] = { ...links[3], tenantId: 'tenant_b' };
    expect(verifyChain(links).errors).toEqual(['Sequence 4 belongs to tenant_b/eu-west-1, not tenant_a/eu-west-1.']);
  });

  it('verifies a 100,000-receipt stream with 5,000 interleaved actions', () => {
    const actions = Array.from({ length: 100_000 }, (_, i) => (i % 7 === 0 ? null : `act_${i % 5000}`));
    expect(verifyChain(chain(actions), { expectFirstSequence: 1 })).toEqual({ isChainValid: true, errors: [] });
  });
});
