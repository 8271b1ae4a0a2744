import { ActionChainLinks, ChainCursor, type TenantLink } from './receipt-chain.cursor';

const link = (sequence: number, prevEventHash: string | null): TenantLink => ({ sequence, prevEventHash, receiptHash: `h${sequence}` });
const chain = [link(1, null), link(2, 'h1'), link(3, 'h2'), link(4, 'h3')];

describe('ChainCursor', () => {
  it('accepts a whole chain and stands at its head', () => {
    const cursor = new ChainCursor();
    expect(chain.flatMap((l) => cursor.next(l))).toEqual([]);
    expect(cursor.at).toEqual({ position: 4, lastHash: 'h4' });
  });

  it('resumes from a stored position with the same verdicts as one pass', () => {
    const broken = [link(1, null), link(2, 'h1'), link(3, 'forged'), link(4, 'h3')];
    const once = new ChainCursor();
    const whole = broken.flatMap((l) => once.next(l));
    const first = new ChainCursor();
    broken.slice(0, 2).forEach((l) => first.next(l));
    const resumed = new ChainCursor(first.at);
    expect(broken.slice(2).flatMap((l) => resumed.next(l))).toEqual(whole);
    expect(whole).toEqual([{ kind: 'chain_break', sequence: 3, prevEventHash: 'forged', expected: 'h2' }]);
  });

  it('names the exact missing sequences, and does not compare the link right after a gap', () => {
    const cursor = new ChainCursor();
    expect([link(1, null), link(4, 'anything'), link(5, 'h4')].flatMap((l) => cursor.next(l))).toEqual([{ kind: 'sequence_gap', sequence: 2, to: 3 }]);
  });

  it('reports a repeated sequence once and stays where it was', () => {
    const cursor = new ChainCursor();
    cursor.next(link(1, null));
    expect(cursor.next(link(1, null))).toEqual([{ kind: 'duplicate_sequence', sequence: 1 }]);
    expect(cursor.next(link(2, 'h1'))).toEqual([]);
  });

  it('requires a null prevEventHash at sequence 1, even in an excerpt', () => {
    expect(new ChainCursor({ position: 0, lastHash: null }, false).next(link(1, 'h0'))).toEqual([{ kind: 'chain_break', sequence: 1, prevEventHash: 'h0', expected: null }]);
  });

  it('moves past an unreadable receipt, reporting only the gap before it', () => {
    const cursor = new ChainCursor();
    cursor.next(link(1, null));
    expect(cursor.skip(3, 'h3')).toEqual([{ kind: 'sequence_gap', sequence: 2, to: 2 }]);
    expect(cursor.next(link(4, 'h3'))).toEqual([]);
  });
});

describe('ActionChainLinks', () => {
  it('links each action to its own previous receipt', () => {
    const links = new ActionChainLinks();
    expect(links.isBroken('act_a', null, 'a1')).toBe(false);
    expect(links.isBroken('act_b', null, 'b1')).toBe(false);
    expect(links.isBroken('act_a', 'a1', 'a2')).toBe(false);
    expect(links.isBroken('act_b', 'a2', 'b2')).toBe(true);
    expect(links.isBroken('act_c', 'x', 'c1')).toBe(true);
  });

  it('does not compare an action’s first link in an excerpt', () => {
    const links = new ActionChainLinks(true);
    expect(links.isBroken('act_a', 'before-the-excerpt', 'a5')).toBe(false);
    expect(links.isBroken('act_a', 'wrong', 'a6')).toBe(true);
  });
});
