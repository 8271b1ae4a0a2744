import { createHash } from 'node:crypto';
import { SeededRandom } from '../../test-support/seeded-random';
import {
  consistencyProof,
  inclusionProof,
  merkleLeafHash,
  merkleLeafHashOfBytes,
  MerkleLog,
  merkleNodeHash,
  merkleRoot,
  rootOfFrontier,
  verifyConsistency,
  verifyInclusion,
} from './merkle';

/**
 * The reference: RFC 6962 §2.1 MTH, PATH and PROOF/SUBPROOF written straight from the definitions,
 * over node:crypto, so the code under test is checked against something that shares nothing with it.
 */
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
const bytesOf = (hex: string) => Buffer.from(hex, 'hex');
const refLeaf = (data: Buffer) => sha(Buffer.of(0), data);
const refNode = (left: string, right: string) => sha(Buffer.of(1), bytesOf(left), bytesOf(right));
const refSplit = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);

function refRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0];
  const k = refSplit(leaves.length);
  return refNode(refRoot(leaves.slice(0, k)), refRoot(leaves.slice(k)));
}

function refPath(m: number, leaves: readonly string[]): string[] {
  if (leaves.length <= 1) return [];
  const k = refSplit(leaves.length);
  return m < k ? [...refPath(m, leaves.slice(0, k)), refRoot(leaves.slice(k))] : [...refPath(m - k, leaves.slice(k)), refRoot(leaves.slice(0, k))];
}

function refSubproof(m: number, leaves: readonly string[], whole: boolean): string[] {
  if (m === leaves.length) return whole ? [] : [refRoot(leaves)];
  const k = refSplit(leaves.length);
  return m <= k
    ? [...refSubproof(m, leaves.slice(0, k), whole), refRoot(leaves.slice(k))]
    : [...refSubproof(m - k, leaves.slice(k), false), refRoot(leaves.slice(0, k))];
}

/** One hex digit of `hash` changed. */
const tamper = (hash: string, at = 0) => hash.slice(0, at) + (hash[at] === '0' ? '1' : '0') + hash.slice(at + 1);
const SOME_HASH = 'abacaba000000000000000000000000000000000000000000060061e00123456';
const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * Published: the RFC 6962 reference vectors of the certificate-transparency project (also in
 * google/trillian merkle/logverifier/log_verifier_test.go): the 8 entries, the roots of sizes 1..8,
 * the inclusion paths (there 1-based leaf numbers; here 0-based indices) and the consistency proofs.
 */
const CT_ENTRIES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION = [
  { index: 0, treeSize: 8, hashes: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, treeSize: 8, hashes: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, treeSize: 3, hashes: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, treeSize: 5, hashes: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CT_CONSISTENCY = [
  { oldSize: 1, newSize: 8, hashes: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { oldSize: 6, newSize: 8, hashes: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { oldSize: 2, newSize: 5, hashes: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CT_LEAVES = CT_ENTRIES.map((hex) => merkleLeafHashOfBytes(bytesOf(hex)));

/**
 * Computed (by the reference above and by Python's hashlib) for docs/receipt-format.md: the receipt
 * hash of sequence s is SHA-256 of the ASCII digits of s, leaf s-1 its merkleLeafHash.
 */
const DOC_RECEIPT_HASHES = [1, 2, 3, 4, 5].map((s) => sha(Buffer.from(String(s))));
const DOC = {
  leaves: [
    '58705e7af8dbab9f2f5b6449ba18d22cce7eedf245fca8dcfd93cf0f906ccf95',
    '393ec8686f48e854d38c68530b0adc1469655252e12ec7d849e4e4117b7ad4a7',
    '395421df5d0a75bdeb3c2ff42b96c071e4e197b1df5b7f7bbfd3e61a4864de46',
    '4c6bf817639562abeec7d3a2a6d4d2aaf3e1e818e0ff82cd04a43463ff84f6d6',
    'c89ca9c47afe1528d11e91a9a5f3ddae89b6a78edbc8d815fb18ff03d3b45326',
  ],
  root3: '0073e5dfb5d3c6f71fb0dc1db2f096e02a2d6fd6d7a59d23c100b15a8488dac4',
  root4: 'e1219f0f3075cf801c6cd0b99dd72bb39851a09f287075edab199b36fec7b92e',
  root5: '4e7de5affaa10733332923d9eb1b8557bc889c448f0f31aeffc9dcac42135a2c',
  inclusion2of5: ['4c6bf817639562abeec7d3a2a6d4d2aaf3e1e818e0ff82cd04a43463ff84f6d6', '6e8393d7b8c8c1d492cbd897fa417689fe9a5b73cb6188a3b62af0bf8d4ddce6', 'c89ca9c47afe1528d11e91a9a5f3ddae89b6a78edbc8d815fb18ff03d3b45326'],
  consistency3to5: ['395421df5d0a75bdeb3c2ff42b96c071e4e197b1df5b7f7bbfd3e61a4864de46', '4c6bf817639562abeec7d3a2a6d4d2aaf3e1e818e0ff82cd04a43463ff84f6d6', '6e8393d7b8c8c1d492cbd897fa417689fe9a5b73cb6188a3b62af0bf8d4ddce6', 'c89ca9c47afe1528d11e91a9a5f3ddae89b6a78edbc8d815fb18ff03d3b45326'],
};

const MAX_SIZE = 70;
const random = new SeededRandom(6962);
const LEAVES = Array.from({ length: MAX_SIZE }, () => merkleLeafHash(random.hex(64)));
const REF_ROOTS = Array.from({ length: MAX_SIZE + 1 }, (_, n) => refRoot(LEAVES.slice(0, n)));

describe('RFC 6962 known answers', () => {
  it('hashes leaves and nodes with the 0x00 / 0x01 prefixes, and the empty tree as SHA-256 of nothing', () => {
    expect(CT_LEAVES).toEqual(CT_ENTRIES.map((hex) => refLeaf(bytesOf(hex))));
    expect(merkleLeafHashOfBytes(new Uint8Array(0))).toBe(CT_ROOTS[0]);
    expect(merkleNodeHash(CT_LEAVES[0], CT_LEAVES[1])).toBe(CT_ROOTS[1]);
    expect(merkleRoot([])).toBe(EMPTY_ROOT);
    expect(new MerkleLog().root()).toBe(EMPTY_ROOT);
  });

  it('reproduces the published roots of sizes 1..8 (and so does the reference)', () => {
    for (let n = 1; n <= 8; n++) {
      expect(merkleRoot(CT_LEAVES.slice(0, n))).toBe(CT_ROOTS[n - 1]);
      expect(refRoot(CT_LEAVES.slice(0, n))).toBe(CT_ROOTS[n - 1]);
    }
  });

  it('reproduces and verifies the published inclusion paths', () => {
    for (const { index, treeSize, hashes } of CT_INCLUSION) {
      expect(inclusionProof(CT_LEAVES, index, treeSize)).toEqual(hashes);
      expect(verifyInclusion(CT_LEAVES[index], index, treeSize, hashes, CT_ROOTS[treeSize - 1])).toBe(true);
    }
  });

  it('reproduces and verifies the published consistency proofs', () => {
    for (const { oldSize, newSize, hashes } of CT_CONSISTENCY) {
      expect(consistencyProof(CT_LEAVES, oldSize, newSize)).toEqual(hashes);
      expect(verifyConsistency(oldSize, newSize, CT_ROOTS[oldSize - 1], CT_ROOTS[newSize - 1], hashes)).toBe(true);
    }
  });

  it('reproduces the receipt-stream vectors of docs/receipt-format.md', () => {
    const leaves = DOC_RECEIPT_HASHES.map(merkleLeafHash);
    expect(leaves).toEqual(DOC.leaves);
    expect(leaves).toEqual(DOC_RECEIPT_HASHES.map((hex) => refLeaf(bytesOf(hex))));
    expect([3, 4, 5].map((n) => merkleRoot(leaves.slice(0, n)))).toEqual([DOC.root3, DOC.root4, DOC.root5]);
    expect(inclusionProof(leaves, 2, 5)).toEqual(DOC.inclusion2of5);
    expect(verifyInclusion(leaves[2], 2, 5, DOC.inclusion2of5, DOC.root5)).toBe(true);
    expect(consistencyProof(leaves, 3, 5)).toEqual(DOC.consistency3to5);
    expect(verifyConsistency(3, 5, DOC.root3, DOC.root5, DOC.consistency3to5)).toBe(true);
  });
});

describe('inclusion proofs, every index of every size 1..70', () => {
  it('equal the reference, verify, and fail with any hash, index or size changed', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      const root = REF_ROOTS[n];
      expect(merkleRoot(LEAVES.slice(0, n))).toBe(root);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(LEAVES, i, n);
        expect(proof).toEqual(refPath(i, LEAVES.slice(0, n)));
        const at = `size ${n} index ${i}`;
        expect([at, verifyInclusion(LEAVES[i], i, n, proof, root)]).toEqual([at, true]);
        const forged: Array<[string, boolean]> = [
          ['leaf', verifyInclusion(tamper(LEAVES[i]), i, n, proof, root)],
          ['root', verifyInclusion(LEAVES[i], i, n, proof, tamper(root, 63))],
          ...proof.map((_, j): [string, boolean] => [`hashes[${j}]`, verifyInclusion(LEAVES[i], i, n, proof.map((h, k) => (k === j ? tamper(h, j) : h)), root)]),
          ['index - 1', verifyInclusion(LEAVES[i], i - 1, n, proof, root)],
          ['index + 1', verifyInclusion(LEAVES[i], i + 1, n, proof, root)],
          ['index ^ 2', verifyInclusion(LEAVES[i], i ^ 2, n, proof, root)],
          ['size * 2', verifyInclusion(LEAVES[i], i, n * 2, proof, root)],
          ['size / 2', verifyInclusion(LEAVES[i], i, Math.floor(n / 2), proof, root)],
          ['hash removed', proof.length > 0 && verifyInclusion(LEAVES[i], i, n, proof.slice(0, -1), root)],
          ['hash appended', verifyInclusion(LEAVES[i], i, n, [...proof, root], root)],
          ['hash prepended', verifyInclusion(LEAVES[i], i, n, [SOME_HASH, ...proof], root)],
        ];
        expect([at, forged.filter(([, ok]) => ok)]).toEqual([at, []]);
      }
    }
  });
});

describe('consistency proofs, every pair of sizes 1..70', () => {
  it('equal the reference, verify, and fail with any hash, size or root changed', () => {
    for (let n = 1; n <= MAX_SIZE; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(LEAVES, m, n);
        expect(proof).toEqual(m === n ? [] : refSubproof(m, LEAVES.slice(0, n), true));
        const [oldRoot, newRoot] = [REF_ROOTS[m], REF_ROOTS[n]];
        const at = `${m} -> ${n}`;
        expect([at, verifyConsistency(m, n, oldRoot, newRoot, proof)]).toEqual([at, true]);
        if (m === n) continue;
        const forged: Array<[string, boolean]> = [
          ...proof.map((_, j): [string, boolean] => [`hashes[${j}]`, verifyConsistency(m, n, oldRoot, newRoot, proof.map((h, k) => (k === j ? tamper(h, j) : h)))]),
          ['old root', verifyConsistency(m, n, tamper(oldRoot), newRoot, proof)],
          ['new root', verifyConsistency(m, n, oldRoot, tamper(newRoot), proof)],
          ['roots swapped', verifyConsistency(m, n, newRoot, oldRoot, proof)],
          ['oldSize - 1', verifyConsistency(m - 1, n, oldRoot, newRoot, proof)],
          ['oldSize + 1', verifyConsistency(m + 1, n, oldRoot, newRoot, proof)],
          ['oldSize ^ 2', verifyConsistency(m ^ 2, n, oldRoot, newRoot, proof)],
          ['newSize * 2', verifyConsistency(m, n * 2, oldRoot, newRoot, proof)],
          ['newSize / 2', verifyConsistency(m, Math.floor(n / 2), oldRoot, newRoot, proof)],
          ['empty proof', verifyConsistency(m, n, oldRoot, newRoot, [])],
          ['hash removed', verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1))],
          ['hash appended', verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot])],
          ['hash prepended', verifyConsistency(m, n, oldRoot, newRoot, [oldRoot, ...proof])],
        ];
        expect([at, forged.filter(([, ok]) => ok)]).toEqual([at, []]);
      }
    }
  });

  it('treats the empty tree and equal sizes as RFC 9162 implementations do', () => {
    const root5 = REF_ROOTS[5];
    expect(consistencyProof(LEAVES, 0, 5)).toEqual([]);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, root5, [])).toBe(true);
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(true);
    expect(verifyConsistency(0, 5, SOME_HASH, root5, [])).toBe(false);
    expect(verifyConsistency(0, 5, EMPTY_ROOT, root5, [EMPTY_ROOT])).toBe(false);
    expect(verifyConsistency(5, 5, root5, root5, [])).toBe(true);
    expect(verifyConsistency(5, 5, root5, SOME_HASH, [])).toBe(false);
    expect(verifyConsistency(5, 5, root5, root5, [root5])).toBe(false);
    expect(verifyConsistency(5, 4, root5, REF_ROOTS[4], [])).toBe(false);
  });
});

describe('MerkleLog', () => {
  const full = new MerkleLog();
  LEAVES.forEach((leaf) => full.append(leaf));
  const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);
  /** What a log holding leaves [from, 70) answers about the tree of the first n leaves. */
  const answers = (log: MerkleLog, n: number, from = 0) => ({
    root: log.root(n),
    frontier: log.frontier(n),
    inclusion: range(from, n).map((i) => log.inclusionProof(i, n)),
    consistency: range(from, n + 1).map((m) => log.consistencyProof(m, n)),
  });
  const FULL = range(0, MAX_SIZE + 1).map((n) => answers(full, n));

  it('answers for every earlier size exactly as the reference and the batch functions do', () => {
    expect(full.size).toBe(MAX_SIZE);
    const batch = range(0, MAX_SIZE + 1).map((n) => ({
      root: REF_ROOTS[n],
      frontier: FULL[n].frontier,
      inclusion: range(0, n).map((i) => inclusionProof(LEAVES, i, n)),
      consistency: range(0, n + 1).map((m) => consistencyProof(LEAVES, m, n)),
    }));
    expect(FULL).toEqual(batch);
    expect(FULL.map(({ frontier }) => rootOfFrontier(frontier))).toEqual(REF_ROOTS);
    expect(new MerkleLog(LEAVES).root()).toBe(REF_ROOTS[MAX_SIZE]);
  });

  it('gives the frontier as the maximal aligned full subtrees, left to right', () => {
    expect(full.frontier(0)).toEqual([]);
    expect(full.frontier(13)).toEqual([
      { size: 8, hash: refRoot(LEAVES.slice(0, 8)) },
      { size: 4, hash: refRoot(LEAVES.slice(8, 12)) },
      { size: 1, hash: LEAVES[12] },
    ]);
    expect(full.frontier(64)).toEqual([{ size: 64, hash: REF_ROOTS[64] }]);
  });

  it('continues from a frontier: later roots, frontiers and proofs equal those of the full log', () => {
    for (let pruned = 0; pruned <= MAX_SIZE; pruned++) {
      const log = MerkleLog.fromFrontier(full.frontier(pruned));
      expect(log.size).toBe(pruned);
      LEAVES.slice(pruned).forEach((leaf) => log.append(leaf));
      const sizes = range(Math.max(pruned, 1), MAX_SIZE + 1);
      const later = sizes.map((n) => ({ ...FULL[n], inclusion: FULL[n].inclusion.slice(pruned), consistency: FULL[n].consistency.slice(pruned) }));
      expect([pruned, sizes.map((n) => answers(log, n, pruned))]).toEqual([pruned, later]);
    }
  });

  it('refuses what needs the pruned leaves', () => {
    const log = MerkleLog.fromFrontier(full.frontier(13));
    LEAVES.slice(13, 20).forEach((leaf) => log.append(leaf));
    expect(() => log.inclusionProof(12)).toThrow(new RangeError('index 12 is in the pruned prefix (the log starts at leaf 13)'));
    expect(() => log.root(12)).toThrow(new RangeError('size 12 is in the pruned prefix (the log starts at leaf 13)'));
    expect(() => log.consistencyProof(5)).toThrow(new RangeError('oldSize 5 is in the pruned prefix (the log starts at leaf 13)'));
    expect(log.root(0)).toBe(EMPTY_ROOT);
    expect(log.consistencyProof(0)).toEqual([]);
  });

  it('answers an inclusion proof of a 100,000-leaf log in well under 1 ms', () => {
    const rng = new SeededRandom(100_000);
    const leaves = Array.from({ length: 100_000 }, (_, i) => refLeaf(Buffer.from(sha(Buffer.from(`receipt ${i}`)), 'hex')));
    const big = new MerkleLog(leaves);
    const root = big.root();
    const started = performance.now();
    for (let k = 0; k < 1000; k++) {
      const index = rng.int(0, leaves.length - 1);
      expect(verifyInclusion(leaves[index], index, leaves.length, big.inclusionProof(index), root)).toBe(true);
    }
    expect((performance.now() - started) / 1000).toBeLessThan(1);
  });
});

describe('invalid arguments', () => {
  it('make the generators throw a RangeError naming the argument', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => merkleLeafHash('ABC'), /^receiptHashHex must be 64 lowercase hex digits, got "ABC"$/],
      [() => merkleLeafHash(LEAVES[0].toUpperCase()), /^receiptHashHex /],
      [() => merkleNodeHash(LEAVES[0], 'zz'), /^rightHex /],
      [() => merkleNodeHash(42 as unknown as string, LEAVES[0]), /^leftHex must be 64 lowercase hex digits, got number$/],
      [() => merkleRoot([LEAVES[0], 'not hex']), /^leafHashes\[1\] /],
      [() => inclusionProof(LEAVES.slice(0, 5), 5, 5), /^index must be an integer below the tree size 5, got 5$/],
      [() => inclusionProof(LEAVES.slice(0, 5), -1, 5), /^index /],
      [() => inclusionProof(LEAVES.slice(0, 5), 0.5, 5), /^index /],
      [() => inclusionProof(LEAVES.slice(0, 5), 0, 6), /^treeSize must be an integer from 0 to 5, got 6$/],
      [() => consistencyProof(LEAVES.slice(0, 5), 4, 3), /^oldSize must be an integer from 0 to 3, got 4$/],
      [() => consistencyProof(LEAVES.slice(0, 5), 1, 6), /^newSize /],
      [() => logOf70().append('x'.repeat(64)), /^leafHash /],
      [() => logOf70().root(71), /^size must be an integer from 0 to 70, got 71$/],
      [() => logOf70().frontier(-1), /^size /],
      [() => MerkleLog.fromFrontier([{ size: 4, hash: LEAVES[0] }, { size: 4, hash: LEAVES[1] }]), /^frontier\[1\]\.size must be a power of two below/],
      [() => MerkleLog.fromFrontier([{ size: 3, hash: LEAVES[0] }]), /^frontier\[0\]\.size /],
      [() => rootOfFrontier([{ size: 1, hash: 'nope' }]), /^frontier\[0\]\.hash /],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(RangeError);
      expect(call).toThrow(message);
    }
  });

  it('make the verifiers return false, never throw', () => {
    const proof = inclusionProof(LEAVES, 3, 10);
    const root = REF_ROOTS[10];
    const junk: unknown[] = [undefined, null, 42, 'zz', LEAVES[0].toUpperCase(), {}, [LEAVES[0]]];
    for (const bad of junk) {
      const value = bad as string;
      expect(verifyInclusion(value, 3, 10, proof, root)).toBe(false);
      expect(verifyInclusion(LEAVES[3], 3, 10, proof, value)).toBe(false);
      expect(verifyInclusion(LEAVES[3], 3, 10, bad as string[], root)).toBe(false);
      expect(verifyInclusion(LEAVES[3], 3, 10, [...proof.slice(0, 2), value], root)).toBe(false);
      expect(verifyInclusion(LEAVES[3], bad as number, 10, proof, root)).toBe(false);
      expect(verifyConsistency(3, 10, value, root, proof)).toBe(false);
      expect(verifyConsistency(3, 10, REF_ROOTS[3], root, bad as string[])).toBe(false);
      expect(verifyConsistency(bad as number, 10, REF_ROOTS[3], root, proof)).toBe(false);
    }
    expect(verifyInclusion(LEAVES[3], 3, Infinity, proof, root)).toBe(false);
    expect(verifyInclusion(LEAVES[0], 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(NaN, 10, REF_ROOTS[3], root, proof)).toBe(false);
    expect(verifyConsistency(-1, 10, REF_ROOTS[3], root, proof)).toBe(false);
  });
});

function logOf70(): MerkleLog {
  return new MerkleLog(LEAVES);
}
