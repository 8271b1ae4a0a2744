import { sha256HexPortable } from './sha256';

/**
 * RFC 6962 / RFC 9162 Merkle tree over a receipt stream: a signed checkpoint commits to the first
 * `treeSize` receipts with one root; an inclusion proof shows a receipt is under that root, a
 * consistency proof that a later root extends an earlier one (nothing before it was rewritten).
 * Every hash is 64 lowercase hex digits. Generators throw a RangeError naming the bad argument;
 * verifiers return false and never throw. An inclusion proof does not bind the tree size by itself:
 * take `treeSize` and the root from the signed checkpoint, never from the proof's sender alone.
 */
export const MERKLE_ALGORITHM = 'rfc6962-sha256';

const EMPTY_ROOT = sha256HexPortable(new Uint8Array(0));
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
/** 0x01 || left || right, reused: sha256 copies its input. */
const NODE_INPUT = Uint8Array.of(1, ...new Uint8Array(64));
const SCRATCH = new Uint8Array(32);

/** SHA-256(0x00 || bytes): the leaf hash of raw entry bytes (RFC 6962 §2.1). */
export function merkleLeafHashOfBytes(bytes: Uint8Array): string {
  const input = new Uint8Array(bytes.length + 1);
  input.set(bytes, 1);
  return sha256HexPortable(input);
}

/** Leaf i (0-based) of a stream's tree is the event at sequence i+1; its input is the receipt's receiptHash (64 hex chars) as 32 bytes. */
export function merkleLeafHash(receiptHashHex: string): string {
  const input = new Uint8Array(33);
  if (!putHash(receiptHashHex, input, 1)) throw invalidHash('receiptHashHex', receiptHashHex);
  return sha256HexPortable(input);
}

/** SHA-256(0x01 || left || right): an interior node. */
export function merkleNodeHash(leftHex: string, rightHex: string): string {
  if (!putHash(leftHex, NODE_INPUT, 1)) throw invalidHash('leftHex', leftHex);
  if (!putHash(rightHex, NODE_INPUT, 33)) throw invalidHash('rightHex', rightHex);
  return sha256HexPortable(NODE_INPUT);
}

/** RFC 6962 MTH of the leaf hashes; the empty tree's root is SHA-256 of the empty string. */
export function merkleRoot(leafHashes: readonly string[]): string {
  return new MerkleLog(leafHashes).root();
}

/** RFC 9162 §2.1.3.1 audit path of leaf `index` in the tree of the first `treeSize` leaves, leaf end first. */
export function inclusionProof(leafHashes: readonly string[], index: number, treeSize: number): string[] {
  checkInteger('treeSize', treeSize, 0, leafHashes.length);
  return new MerkleLog(leafHashes.slice(0, treeSize)).inclusionProof(index);
}

/** RFC 9162 §2.1.4.1 proof that the tree of `newSize` leaves extends the tree of `oldSize` (empty when oldSize is 0 or newSize). */
export function consistencyProof(leafHashes: readonly string[], oldSize: number, newSize: number): string[] {
  checkInteger('newSize', newSize, 0, leafHashes.length);
  return new MerkleLog(leafHashes.slice(0, newSize)).consistencyProof(oldSize);
}

/** RFC 9162 §2.1.3.2: true when `proof` places `leafHash` at `index` under `rootHex`, a tree of `treeSize` leaves. */
export function verifyInclusion(leafHash: string, index: number, treeSize: number, proof: readonly string[], rootHex: string): boolean {
  if (!isHash(leafHash) || !isHash(rootHex) || !isHashList(proof)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return false;
  const walk = new PathWalk(index, treeSize - 1);
  let root = leafHash;
  for (const sibling of proof) {
    if (walk.done) return false;
    root = walk.isLeftSibling() ? merkleNodeHash(sibling, root) : merkleNodeHash(root, sibling);
    walk.up();
  }
  return walk.done && root === rootHex;
}

/** RFC 9162 §2.1.4.2: true when `proof` shows the tree of `newSize` leaves (`newRootHex`) extends the tree of `oldSize` (`oldRootHex`). */
export function verifyConsistency(oldSize: number, newSize: number, oldRootHex: string, newRootHex: string, proof: readonly string[]): boolean {
  if (!isHash(oldRootHex) || !isHash(newRootHex) || !isHashList(proof)) return false;
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRootHex === newRootHex;
  if (oldSize === 0) return proof.length === 0 && oldRootHex === EMPTY_ROOT;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(oldSize) ? [oldRootHex, ...proof] : proof;
  const walk = new PathWalk(oldSize - 1, newSize - 1);
  walk.skipRightEdge();
  let oldRoot = path[0];
  let newRoot = path[0];
  for (const node of path.slice(1)) {
    if (walk.done) return false;
    if (walk.isLeftSibling()) {
      oldRoot = merkleNodeHash(node, oldRoot);
      newRoot = merkleNodeHash(node, newRoot);
    } else {
      newRoot = merkleNodeHash(newRoot, node);
    }
    walk.up();
  }
  return walk.done && oldRoot === oldRootHex && newRoot === newRootHex;
}

/** The root of the tree a frontier (compact range from leaf 0) stands for. */
export function rootOfFrontier(frontier: ReadonlyArray<{ size: number; hash: string }>): string {
  return MerkleLog.fromFrontier(frontier).root();
}

/**
 * An append-only Merkle tree of leaf hashes. It keeps every full aligned subtree's root (level k,
 * index i: leaves [i·2^k, (i+1)·2^k)), about 2 hashes per leaf, so append, root and both proofs for
 * any earlier tree size cost O(log n) hashes. A log continued from a frontier keeps only the
 * frontier of the pruned prefix: what needs other nodes of that prefix throws a RangeError.
 */
export class MerkleLog {
  private readonly levels: string[][] = [];
  /** offsets[k]: the index of levels[k][0] at level k (0 unless pruned). */
  private readonly offsets: number[] = [];
  private count = 0;
  /** The leaves before this one were pruned. */
  private pruned = 0;

  constructor(leafHashes: readonly string[] = []) {
    for (let i = 0; i < leafHashes.length; i++) {
      if (!isHash(leafHashes[i])) throw invalidHash(`leafHashes[${i}]`, leafHashes[i]);
      this.push(leafHashes[i]);
    }
  }

  /** A log that continues from a frontier (the leaves before it were pruned): root(), append() and inclusion proofs for leaves at or after the frontier's size work. */
  static fromFrontier(frontier: ReadonlyArray<{ size: number; hash: string }>): MerkleLog {
    const log = new MerkleLog();
    let start = 0;
    frontier.forEach(({ size, hash }, i) => {
      if (!isPowerOfTwo(size) || (i > 0 && size >= frontier[i - 1].size)) {
        throw new RangeError(`frontier[${i}].size must be a power of two below the previous node's size, got ${size}`);
      }
      if (!isHash(hash)) throw invalidHash(`frontier[${i}].hash`, hash);
      log.levels[log2(size)] = [hash];
      log.offsets[log2(size)] = start / size;
      start += size;
    });
    log.count = start;
    log.pruned = start;
    return log;
  }

  get size(): number {
    return this.count;
  }

  append(leafHash: string): void {
    if (!isHash(leafHash)) throw invalidHash('leafHash', leafHash);
    this.push(leafHash);
  }

  /** Root of the first `size` leaves (default all). */
  root(size = this.count): string {
    this.checkSize('size', size);
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }

  /** Audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1). */
  inclusionProof(index: number, size = this.count): string[] {
    this.checkSize('size', size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`index must be an integer below the tree size ${size}, got ${index}`);
    if (index < this.pruned) throw new RangeError(`index ${index} is in the pruned prefix (the log starts at leaf ${this.pruned})`);
    const siblings: string[] = [];
    let lo = 0;
    let hi = size;
    while (hi - lo > 1) {
      const k = splitPoint(hi - lo);
      if (index < lo + k) {
        siblings.push(this.subtree(lo + k, hi));
        hi = lo + k;
      } else {
        siblings.push(this.subtree(lo, lo + k));
        lo += k;
      }
    }
    return siblings.reverse();
  }

  /** Proof that the first `newSize` leaves extend the first `oldSize` (RFC 9162 §2.1.4.1). */
  consistencyProof(oldSize: number, newSize = this.count): string[] {
    this.checkSize('newSize', newSize);
    checkInteger('oldSize', oldSize, 0, newSize);
    if (oldSize === 0 || oldSize === newSize) return [];
    if (oldSize < this.pruned) throw new RangeError(`oldSize ${oldSize} is in the pruned prefix (the log starts at leaf ${this.pruned})`);
    const nodes: string[] = [];
    let lo = 0;
    let hi = newSize;
    let isWholeOldTree = true;
    while (hi !== oldSize) {
      const k = splitPoint(hi - lo);
      if (oldSize - lo <= k) {
        nodes.push(this.subtree(lo + k, hi));
        hi = lo + k;
      } else {
        nodes.push(this.subtree(lo, lo + k));
        lo += k;
        isWholeOldTree = false;
      }
    }
    if (!isWholeOldTree) nodes.push(this.subtree(lo, hi));
    return nodes.reverse();
  }

  /** The compact range of the first `size` leaves: roots of the maximal aligned full subtrees, left to right, with their sizes. */
  frontier(size = this.count): Array<{ size: number; hash: string }> {
    this.checkSize('size', size);
    const nodes: Array<{ size: number; hash: string }> = [];
    let start = 0;
    for (let width = size === 0 ? 0 : splitPoint(size + 1); width >= 1; width /= 2) {
      if (size - start < width) continue;
      nodes.push({ size: width, hash: this.node(log2(width), start / width) });
      start += width;
    }
    return nodes;
  }

  private push(leafHash: string): void {
    let hash = leafHash;
    for (let level = 0, index = this.count; ; level++, index = (index - 1) / 2) {
      this.levelAt(level).push(hash);
      if (index % 2 === 0) break;
      hash = merkleNodeHash(this.node(level, index - 1), hash);
    }
    this.count++;
  }

  private levelAt(level: number): string[] {
    if (this.levels[level] === undefined) {
      this.levels[level] = [];
      this.offsets[level] = Math.floor(this.pruned / 2 ** level);
    }
    return this.levels[level];
  }

  /** MTH of leaves [lo, hi), a node of the RFC 6962 tree: full ones are aligned and stored, the right edge is folded. */
  private subtree(lo: number, hi: number): string {
    const width = hi - lo;
    if (isPowerOfTwo(width)) return this.node(log2(width), lo / width);
    const k = splitPoint(width);
    return merkleNodeHash(this.subtree(lo, lo + k), this.subtree(lo + k, hi));
  }

  private node(level: number, index: number): string {
    const hash = this.levels[level]?.[index - this.offsets[level]];
    if (hash === undefined) throw new RangeError(`The subtree of the ${2 ** level} leaves from ${index * 2 ** level} is not kept (the leaves before ${this.pruned} were pruned)`);
    return hash;
  }

  private checkSize(name: string, size: number): void {
    checkInteger(name, size, 0, this.count);
    if (size > 0 && size < this.pruned) throw new RangeError(`${name} ${size} is in the pruned prefix (the log starts at leaf ${this.pruned})`);
  }
}

/**
 * The (fn, sn) walk of RFC 9162's verification algorithms: `fn` is the position of the node being
 * hashed upward, `sn` the last position of the tree, both at the current level.
 */
class PathWalk {
  constructor(
    private fn: number,
    private sn: number,
  ) {}

  get done(): boolean {
    return this.sn === 0;
  }

  /** Whether the next proof hash goes on the left; after a left sibling, climbs past levels where the node has none. */
  isLeftSibling(): boolean {
    if (this.fn % 2 === 0 && this.fn !== this.sn) return false;
    while (this.fn % 2 === 0 && this.fn !== 0) this.halve();
    return true;
  }

  up(): void {
    this.halve();
  }

  /** Climbs while the node is a right child: the consistency proof starts at the largest full subtree ending at the old size. */
  skipRightEdge(): void {
    while (this.fn % 2 === 1) this.halve();
  }

  private halve(): void {
    this.fn = Math.floor(this.fn / 2);
    this.sn = Math.floor(this.sn / 2);
  }
}

/** Writes 64 lowercase hex digits as 32 bytes at `offset`; false when `hex` is anything else. */
function putHash(hex: unknown, into: Uint8Array, offset: number): boolean {
  if (typeof hex !== 'string' || hex.length !== 64) return false;
  for (let i = 0; i < 32; i++) {
    const high = NIBBLE[hex.charCodeAt(2 * i)] ?? -1;
    const low = NIBBLE[hex.charCodeAt(2 * i + 1)] ?? -1;
    if ((high | low) < 0) return false;
    into[offset + i] = (high << 4) | low;
  }
  return true;
}

function isHash(value: unknown): value is string {
  return putHash(value, SCRATCH, 0);
}

function isHashList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isHash);
}

function invalidHash(name: string, value: unknown): RangeError {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
  return new RangeError(`${name} must be 64 lowercase hex digits, got ${shown}`);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** log2(n) === n;
}

function log2(powerOfTwo: number): number {
  return Math.round(Math.log2(powerOfTwo));
}

/** The largest power of two below n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
