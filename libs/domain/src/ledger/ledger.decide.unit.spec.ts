import { MerkleLog, merkleLeafHash, sha256Hex } from '@oars/receipts';
import { given as givenOn } from '@oars/testing';
import type { AppendCheckpoint } from './ledger.commands';
import { decideAppendCheckpoint, LedgerError } from './ledger.decide';
import { CHECKPOINT_SUBJECT, type CheckpointAppended, type CheckpointData, LEDGER_CHECKPOINT } from './ledger.events';
import { type CheckpointState, type LedgerStreamEvent, checkpointStateOf, evolveCheckpointState, initialCheckpointState } from './ledger.state';

const NOW = '2026-12-04T10:00:00.000Z';
const command: AppendCheckpoint = { type: 'AppendCheckpoint', data: { tenantId: 'tenant_alpha' }, metadata: { now: NOW } };
/** History is the stream as the ledger folds it; decisions are checkpoint events (stored, they become stream events). */
type Event = LedgerStreamEvent | CheckpointAppended;
const ledgerDecider = {
  initialState: initialCheckpointState,
  evolve: (s: CheckpointState, e: Event) => evolveCheckpointState(s, e as LedgerStreamEvent),
  decide: (c: AppendCheckpoint, s: CheckpointState): Event[] => decideAppendCheckpoint(s, c),
};
const given = (...history: LedgerStreamEvent[]) => givenOn(ledgerDecider, ...history);

const hashOf = (sequence: number) => sha256Hex(`receipt ${sequence}`);
const event = (sequence: number): LedgerStreamEvent => ({ sequence, receiptHash: hashOf(sequence), type: 'action.requested', data: {} });
const events = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => event(from + i));
const rootOf = (size: number) => new MerkleLog(events(1, size).map((e) => merkleLeafHash(e.receiptHash))).root();

describe('the ledger decider: checkpoints', () => {
  it('attests the whole head: tree size, RFC 6962 root, the head hash and the frontier to continue from', () => {
    const [cp] = given(...events(1, 7)).when(command).events();
    expect(cp).toEqual({
      type: LEDGER_CHECKPOINT,
      subject: CHECKPOINT_SUBJECT,
      data: { treeSize: 7, rootHash: rootOf(7), algorithm: 'rfc6962-sha256', lastReceiptHash: hashOf(7), frontier: new MerkleLog(events(1, 7).map((e) => merkleLeafHash(e.receiptHash))).frontier(), checkpointedAt: NOW },
    });
  });

  it('attests nothing on an empty stream, on a covered head, or when the head is the checkpoint itself', () => {
    given().when(command).then([]);
    const cp = (size: number, at: number): LedgerStreamEvent => ({ sequence: at, receiptHash: hashOf(at), type: LEDGER_CHECKPOINT, data: { treeSize: size, rootHash: rootOf(size) } });
    given(...events(1, 4), cp(4, 5)).when(command).then([]);
    const [next] = given(...events(1, 4), cp(4, 5), event(6)).when(command).events();
    expect(next!.data).toMatchObject({ treeSize: 6, rootHash: new MerkleLog([...events(1, 4), { ...event(5) }, event(6)].map((e) => merkleLeafHash(e.receiptHash))).root() });
  });

  it('continues from a checkpoint without the events before it, to the same root as the full fold', () => {
    const full = (given(...events(1, 40)).when(command).events()[0] as CheckpointAppended).data;
    const mid = (given(...events(1, 25)).when(command).events()[0] as CheckpointAppended).data as CheckpointData;
    // The checkpoint would be stored at 26; here the stream goes on with ordinary events.
    const from = checkpointStateOf(30, mid);
    const folded = events(26, 40).reduce(evolveCheckpointState, from);
    expect(decideAppendCheckpoint(folded, command)[0]!.data.rootHash).toBe(full.rootHash);
  });

  it('refuses to fold events out of order, and to attest a tree that is not the head', () => {
    expect(() => evolveCheckpointState(initialCheckpointState, event(2))).toThrow(RangeError);
    const state: CheckpointState = { ...given(...events(1, 3)).state(), head: { sequence: 4, receiptHash: hashOf(4) } };
    expect(() => decideAppendCheckpoint(state, command)).toThrow(LedgerError);
  });
});
