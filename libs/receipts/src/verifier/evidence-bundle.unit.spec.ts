import { sign } from 'node:crypto';
import {
  ReceiptStreamBuilder,
  decidedWith,
  givenActionApproved,
  givenActionDecided,
  givenActionExecuted,
  givenActionRequested,
  givenPolicyDocument,
  givenPolicyPublished,
  signChain,
} from '@oars/testing';
import { keyGeneratedData } from '../../test-support/signed-stream';
import { canonicalize } from '../canonical-json';
import { EvidenceBundleInputError, buildEvidenceBundle, buildEvidenceBundleJson, evidenceBundleSigner, type EvidenceBundleInput } from '../evidence-bundle.build';
import { sha256Hex } from '../hashing';
import { nodeVerifierCrypto } from '../node-verifier-crypto';
import { signReceipt } from '../receipt-signing';
import { RECEIPT_SIGNATURE_DOMAIN, type Receipt } from '../receipt.types';
import { generateSigningKey, type GeneratedSigningKey } from '../signing-keys';
import { decodeBase64 } from './base64';
import {
  EVIDENCE_BUNDLE_SIGNATURE_DOMAIN,
  evidenceBundleHashInput,
  evidenceBundleSignatureMessage,
  evidenceManifestOf,
  type EvidenceBundle,
} from './evidence-bundle.types';
import { verifyEvidenceBundle, type EvidenceBundleError } from './evidence-bundle.verify';
import { MerkleLog, merkleLeafHash } from './merkle';
import { portableVerifierCrypto } from './verifier-crypto';

const TENANT = 'tenant_evidence';
const key = generateSigningKey();
const outsider = generateSigningKey();
const keyEntry = keyGeneratedData(key, TENANT).keyring.keys[0];

/**
 * A signed stream of 13 receipts: key.generated, a policy published, an auto-allowed action, an action
 * approved by user_bob and one rejected by user_carol (approval.decided before each conclusion).
 */
function givenStream(): Receipt[] {
  const stream = new ReceiptStreamBuilder(TENANT, { region: 'eu-west-1' });
  const policy = givenPolicyDocument(TENANT, 'v2');
  const out: Receipt[] = [stream.next({ type: 'key.generated', data: { ...keyGeneratedData(key, TENANT) } }), givenPolicyPublished(stream, policy)];
  const auto = givenActionRequested(stream, { actionId: 'act_auto' });
  const allowed = givenActionDecided(stream, auto, 'allow');
  out.push(auto, allowed, givenActionExecuted(stream, allowed));
  for (const [actionId, approverId, outcome] of [['act_bob', 'user_bob', 'action.approved'], ['act_carol', 'user_carol', 'action.denied']] as const) {
    const approvalId = `apr_${actionId.slice(4)}`;
    const requested = givenActionRequested(stream, { actionId });
    const required = givenActionDecided(stream, requested, 'approve', { approvalId });
    const decision = outcome === 'action.approved' ? 'approve' : 'reject';
    const snapshot = { id: approvalId, actionId, status: decision === 'approve' ? 'approved' : 'rejected', decisions: [{ decision, approverId, stageIndex: 0, decidedAt: '2026-01-01T00:05:00.000Z' }] };
    const decided = Object.assign(givenActionApproved(stream, required), { type: 'approval.decided', data: { approvalId, approverId, decision, approval: snapshot } });
    const concluded = Object.assign(givenActionApproved(stream, decided), { type: outcome, data: outcome === 'action.approved' ? { executedBy: 'agent', approvalId } : { error: `Approval rejected by ${approverId}.`, approvalId } });
    out.push(...decidedWith([requested, required, decided, concluded], policy));
  }
  return signChain(out, key);
}

const receipts = givenStream();
const log = new MerkleLog(receipts.map((r) => merkleLeafHash(r.integrity.receiptHash)));

/** A signed ledger.checkpoint of the first `treeSize` receipts, at sequence treeSize + 1. */
function checkpointOf(treeSize: number, data: Record<string, unknown> = {}): Receipt {
  const last = receipts[treeSize - 1];
  return signReceipt(
    {
      ...last,
      receiptId: `rcpt_checkpoint_${treeSize}`,
      sequence: treeSize + 1,
      type: 'ledger.checkpoint',
      actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null,
      data: { treeSize, rootHash: log.root(treeSize), algorithm: 'rfc6962-sha256', lastReceiptHash: last.integrity.receiptHash, ...data },
      integrity: { prevEventHash: last.integrity.receiptHash, prevReceiptHash: null, signingKeyId: key.keyId, signatureAlg: 'Ed25519' },
    },
    key,
  );
}

const input: EvidenceBundleInput = {
  bundleId: `evb_${'0123456789abcdef'.repeat(2)}`,
  tenantId: TENANT,
  framework: 'soc2',
  generatedAt: '2026-01-02T00:00:00.000Z',
  scope: { dateFrom: '2026-01-01T00:00:00.000Z', dateTo: '2026-01-01T01:00:00.000Z', controlIds: ['CC6.1', 'CC8.1'] },
  receipts,
  keys: [keyEntry],
  checkpoint: checkpointOf(receipts.length),
  log,
  controls: [
    { controlId: 'CC6.1', description: 'Logical access is approved.', evidenceReceiptIds: [receipts[8].receiptId, receipts[12].receiptId] },
    { controlId: 'CC8.1', description: 'Changes are authorised.', evidenceReceiptIds: [receipts[1].receiptId] },
  ],
};
const bundle = buildEvidenceBundle(input, evidenceBundleSigner(key));

/** A deep copy without shared objects (the builders share actor and resource between receipts of an action). */
const clone = (): EvidenceBundle => JSON.parse(JSON.stringify(bundle));
const verify = (b: unknown, trustedKeys?: Array<{ keyId: string; publicKeyPem: string }>) => verifyEvidenceBundle(b, nodeVerifierCrypto, { trustedKeys });
const only = (path: string, code: string) => [{ path, code, message: expect.any(String) }];
const has = (path: string, code: string) => expect.arrayContaining([expect.objectContaining({ path, code })]);

/** Recomputes the manifest (unless told not to), the bundle hash and the signature, as someone holding `signer` could. */
function resign(b: EvidenceBundle, signer: GeneratedSigningKey = key, options: { manifest?: boolean } = {}): EvidenceBundle {
  const next = options.manifest === false ? b : { ...b, manifest: evidenceManifestOf(b, sha256Hex) };
  const bundleHash = sha256Hex(canonicalize(evidenceBundleHashInput(next)));
  const signature = sign(null, Buffer.from(evidenceBundleSignatureMessage(bundleHash), 'latin1'), signer.privateKey).toString('base64');
  return { ...next, integrity: { ...next.integrity, bundleHash, signature, signingKeyId: signer.keyId } };
}

function edited(edit: (b: EvidenceBundle) => void, signer?: GeneratedSigningKey): EvidenceBundle {
  const b = clone();
  edit(b);
  return resign(b, signer);
}

describe('the evidence bundle', () => {
  it('embeds the receipts, what they cite and show, the checkpoint and a proof per receipt, and verifies offline', () => {
    expect(bundle).toMatchObject({ bundleVersion: '2.0.0', summary: { actionCount: 3, receiptCount: 13 }, integrity: { signatureDomain: EVIDENCE_BUNDLE_SIGNATURE_DOMAIN, signingKeyId: key.keyId } });
    expect(bundle.artifactHashes).toEqual(receipts.map((r) => r.integrity.receiptHash));
    expect(bundle.policies).toEqual([
      { policySetId: `policy_${TENANT}`, policyVersion: 'v1', policyHash: receipts[3].policy!.policyHash, receiptId: null },
      { policySetId: `pol_${TENANT}_v2`, policyVersion: 'v2', policyHash: receipts[6].policy!.policyHash, receiptId: receipts[1].receiptId },
    ]);
    // The auto-allowed action (receipt 3) is no human approval.
    expect(bundle.approvals).toEqual([
      { receiptId: receipts[8].receiptId, actionId: 'act_bob', approvalId: 'apr_bob', decision: 'approved', decidedBy: ['user_bob'], decidedAt: '2026-01-01T00:05:00.000Z', decisionReceiptId: receipts[7].receiptId },
      { receiptId: receipts[12].receiptId, actionId: 'act_carol', approvalId: 'apr_carol', decision: 'rejected', decidedBy: ['user_carol'], decidedAt: '2026-01-01T00:05:00.000Z', decisionReceiptId: receipts[11].receiptId },
    ]);
    expect(bundle.proofs[4]).toEqual({ receiptId: receipts[4].receiptId, sequence: 5, leafIndex: 4, treeSize: 13, hashes: log.inclusionProof(4, 13) });
    expect(bundle.manifest.entries.map((e) => [e.name, e.count])).toEqual([['receipts', 13], ['policies', 2], ['approvals', 2], ['keys', 1], ['proofs', 13], ['checkpoint', 1], ['controls', 2], ['artifacts', 13]]);
    const result = verifyEvidenceBundle(JSON.parse(JSON.stringify(bundle)), portableVerifierCrypto, { trustedKeys: [keyEntry] });
    expect(result).toEqual({ isValid: true, errors: [], checked: { receipts: 13, proofs: 13, policies: 2, approvals: 2, keys: 1, controls: 2, manifestEntries: 8 } });
    // The builder hashes the canonical text piece by piece; it is the hash of the whole text.
    expect(bundle.integrity.bundleHash).toBe(sha256Hex(canonicalize(evidenceBundleHashInput(bundle))));
    // And the JSON text it answers with is the canonical text of the whole bundle.
    expect(buildEvidenceBundleJson(input, evidenceBundleSigner(key)).json.join('')).toBe(canonicalize(bundle));
  });

  it('refuses inputs that could not verify', () => {
    const build = (patch: Partial<EvidenceBundleInput>, signer = evidenceBundleSigner(key)) => () => buildEvidenceBundle({ ...input, ...patch }, signer);
    expect(build({}, evidenceBundleSigner(outsider))).toThrow(EvidenceBundleInputError);
    expect(build({ receipts: [receipts[1], receipts[0]] })).toThrow('does not follow');
    expect(build({ receipts: [{ ...receipts[0], tenantId: 'tenant_other' }] })).toThrow('belongs to tenant_other');
    expect(build({ scope: { ...input.scope, dateTo: '2026-01-01T00:00:05.000Z' } })).toThrow('outside the bundle');
    expect(build({ checkpoint: null })).toThrow('needs a checkpoint');
    expect(build({ checkpoint: checkpointOf(10) })).toThrow('covers sequences 1 to 10');
  });
});

/** Every string, number and boolean of `value` with its JSON path and the way to set it. */
function leaves(value: unknown, path = '', out: Array<{ path: string; set: (root: EvidenceBundle, v: unknown) => void; value: unknown }> = [], segments: Array<string | number> = []) {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out, [...segments, i]));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out, [...segments, k]);
  else if (value !== null) {
    out.push({ path, value, set: (root, v) => {
      const parent = segments.slice(0, -1).reduce<any>((node, s) => node[s], root);
      parent[segments[segments.length - 1]] = v;
    } });
  }
  return out;
}

/** A different value of the same kind that keeps the format where it can (a digit or letter changed: hex stays hex, a timestamp a timestamp). */
function altered(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  const s = value as string;
  const i = Math.max(s.search(/\d(?!.*\d)/), -1);
  if (i >= 0) return s.slice(0, i) + ((Number(s[i]) + 1) % 10) + s.slice(i + 1);
  const j = s.search(/[a-z](?!.*[a-z])/i);
  return j >= 0 ? s.slice(0, j) + (s[j] === 'z' ? 'a' : s[j] === 'Z' ? 'A' : String.fromCharCode(s.charCodeAt(j) + 1)) + s.slice(j + 1) : `${s}x`;
}

/** Leaves only the bundle hash covers: nothing else in the bundle restates them. */
const HASH_ONLY = /^(bundleId|generatedAt|scope\.date(From|To)|keys\[\d+\]\.(status|createdAt)|controls\[\d+\]\.description)$/;
/** Leaves whose change shows where they are used. */
const CROSS_REFERENCES: Array<[RegExp, string]> = [[/^tenantId$/, 'wrong_tenant'], [/^keys\[\d+\]\.keyId$/, 'unknown_signing_key'], [/^scope\.controlIds\[\d+\]$/, 'control_outside_scope']];

/** The entry a path is in: `receipts[3]`, `manifest.entries[2]`, or the top-level field. */
const entryOf = (path: string) => /^[^[]*\[\d+\]/.exec(path)?.[0] ?? path.split('.')[0];

function pointsAt(path: string, errors: EvidenceBundleError[]): boolean {
  const cross = CROSS_REFERENCES.find(([pattern]) => pattern.test(path));
  if (cross) return errors.some((e) => e.code === cross[1]);
  if (HASH_ONLY.test(path)) return errors.some((e) => e.code === 'bundle_hash_mismatch');
  return errors.some(
    (e) =>
      (e.path !== 'integrity.bundleHash' || path === e.path) &&
      (e.code !== 'manifest_mismatch' || path.startsWith('manifest.')) &&
      (e.path.startsWith(entryOf(path)) || path.startsWith(`${e.path}.`) || path.startsWith(`${e.path}[`)),
  );
}

describe('tampering with any field of the bundle', () => {
  const all = leaves(bundle);

  it('walks every leaf of the bundle', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(all.map((l) => l.path)).toEqual(expect.arrayContaining(['bundleId', 'receipts[7].data.approval.decisions[0].approverId', 'proofs[12].hashes[0]', 'manifest.entries[7].sha256', 'integrity.signatureDomain']));
  });

  it('is detected at every leaf, by an error that names where', () => {
    const missed: string[] = [];
    for (const leaf of all) {
      const b = clone();
      leaf.set(b, altered(leaf.value));
      const result = verify(b);
      if (result.isValid || !pointsAt(leaf.path, result.errors)) missed.push(`${leaf.path}: ${JSON.stringify(result.errors.map((e) => [e.path, e.code]))}`);
    }
    expect(missed).toEqual([]);
  });
});

describe('each error names its path and code', () => {
  it.each<[string, () => unknown, EvidenceBundleError[]]>([
    ['a version it does not know', () => edited((b) => Object.assign(b, { bundleVersion: '3.0.0' })), only('bundleVersion', 'unsupported_bundle_version')],
    ['a changed body, signature left alone', () => Object.assign(clone(), { generatedAt: '2026-01-03T00:00:00.000Z' }), only('integrity.bundleHash', 'bundle_hash_mismatch')],
    ['another signature', () => { const b = clone(); b.integrity.signature = b.receipts[0].integrity.signature; return b; }, only('integrity.signature', 'bad_bundle_signature')],
    ['a wrong signature domain', () => { const b = clone(); Object.assign(b.integrity, { signatureDomain: RECEIPT_SIGNATURE_DOMAIN }); return b; }, only('integrity.signatureDomain', 'wrong_signature_domain')],
    ['a changed receipt', () => edited((b) => { b.receipts[3].resource!.target = 'project:OTHER'; }), only('receipts[3].integrity.receiptHash', 'receipt_hash_mismatch')],
    ['a receipt signature from another receipt', () => edited((b) => { b.receipts[3].integrity.signature = b.receipts[4].integrity.signature; }), only('receipts[3].integrity.signature', 'bad_receipt_signature')],
    ['a wrong artifact', () => edited((b) => { b.artifacts[2].decision = 'deny'; }), only('artifacts[2].decision', 'artifact_mismatch')],
    ['a wrong artifact hash', () => edited((b) => { b.artifactHashes[2] = b.artifactHashes[3]; }), only('artifactHashes[2]', 'artifact_mismatch')],
    ['a wrong summary', () => edited((b) => { b.summary.actionCount = 42; }), only('summary.actionCount', 'summary_mismatch')],
    ['a policy publication left out', () => edited((b) => { b.policies[1].receiptId = null; }), only('policies[1].receiptId', 'policy_mismatch')],
    ['a changed approver', () => edited((b) => { b.approvals[0].decidedBy = ['user_mallory']; }), only('approvals[0].decidedBy[0]', 'approval_mismatch')],
    ['an auto-allowed action listed as approved', () => edited((b) => { b.approvals[0].receiptId = b.receipts[3].receiptId; }), [...only('approvals[0].receiptId', 'not_an_approval'), ...only('receipts[8]', 'unlisted_approval'), ...only('approvals[0].receiptId', 'approval_mismatch')]],
    ['a missing proof', () => edited((b) => { b.proofs.splice(2, 1); }), only('receipts[2]', 'missing_proof')],
    ['a proof of another leaf', () => edited((b) => { b.proofs[2].hashes = b.proofs[3].hashes; }), only('proofs[2].hashes', 'bad_inclusion_proof')],
    ['a proof that misstates its leaf', () => edited((b) => { b.proofs[2].leafIndex = 7; }), only('proofs[2].leafIndex', 'proof_mismatch')],
    ['a proof twice', () => edited((b) => { b.proofs.push(b.proofs[0]); }), only('proofs[13].receiptId', 'unexpected_proof')],
    ['a control outside the scope', () => edited((b) => { b.scope.controlIds = ['CC6.1']; }), only('controls[1].controlId', 'control_outside_scope')],
    ['a control citing a receipt not included', () => edited((b) => { b.controls![0].evidenceReceiptIds.push('rcpt_elsewhere'); }), only('controls[0].evidenceReceiptIds[2]', 'unknown_receipt')],
    ['a manifest entry that does not match its section', () => { const b = clone(); b.manifest.entries[3].count = 9; return resign(b, key, { manifest: false }); }, only('manifest.entries[3].count', 'manifest_mismatch')],
    ['a changed body re-signed by a key not in keys', () => edited((b) => { b.receipts.pop(); }, outsider), expect.arrayContaining([...only('integrity.signingKeyId', 'unknown_signing_key')])],
  ])('%s', (_, make, expected) => {
    const result = verify(make());
    expect(result.errors).toEqual(expected);
    expect(result.isValid).toBe(false);
  });

  it('malformed_bundle: names the missing or mistyped field and never throws', () => {
    const b: any = clone();
    delete b.receipts[3].integrity.signature;
    b.proofs[1].hashes[0] = 42;
    expect(verify(b).errors).toEqual(has('receipts[3].integrity.signature', 'malformed_bundle'));
    expect(verify(b).errors).toEqual(has('proofs[1].hashes[0]', 'malformed_bundle'));
    for (const junk of [null, 'bundle', [], { bundleVersion: '2.0.0' }, { ...clone(), receipts: 'none' }]) {
      const result = verify(junk);
      expect(result.isValid).toBe(false);
      expect(result.errors.length).toBeGreaterThan(0);
    }
    expect(verify({ ...clone(), integrity: undefined }).errors).toEqual(only('integrity', 'malformed_bundle'));
  });

  it('wrong_tenant: every receipt, key and the checkpoint of another tenant', () => {
    const errors = verify(edited((b) => { b.tenantId = 'tenant_other'; })).errors;
    expect(errors.filter((e) => e.code === 'wrong_tenant').map((e) => e.path)).toEqual(['keys[0].tenantId', ...receipts.map((_, i) => `receipts[${i}].tenantId`), 'checkpoint.tenantId']);
    expect(errors.every((e) => e.code === 'wrong_tenant')).toBe(true);
  });

  it('receipt_outside_scope: names the field that is outside', () => {
    const late = verify(edited((b) => { b.scope.dateTo = receipts[10].timestamp; })).errors;
    expect(late).toEqual([...only('receipts[11].timestamp', 'receipt_outside_scope'), ...only('receipts[12].timestamp', 'receipt_outside_scope')]);
    const tools = verify(edited((b) => { b.scope.toolIds = ['github']; })).errors;
    expect(tools.map((e) => e.path)).toEqual(receipts.flatMap((r, i) => (r.resource ? [`receipts[${i}].resource.toolId`] : [])));
  });

  it('sequence_not_increasing and chain_break', () => {
    const swapped = verify(edited((b) => { b.receipts.splice(3, 2, b.receipts[4], b.receipts[3]); })).errors;
    expect(swapped).toEqual(has('receipts[4].sequence', 'sequence_not_increasing'));
    const relinked = signReceipt({ ...receipts[5], integrity: { ...receipts[5].integrity, prevEventHash: 'f'.repeat(64) } }, key);
    const broken = verify(edited((b) => { b.receipts[5] = relinked; })).errors;
    expect(broken).toEqual(has('receipts[5].integrity.prevEventHash', 'chain_break'));
    expect(broken).toEqual(has('proofs[5].hashes', 'bad_inclusion_proof'));
  });

  it('unlisted_policy and unlisted_approval: what the receipts cite or show must be listed', () => {
    const policies = verify(edited((b) => { b.policies.splice(0, 1); })).errors;
    expect(policies).toEqual(has('receipts[3].policy', 'unlisted_policy'));
    const approvals = verify(edited((b) => { b.approvals.splice(1, 1); })).errors;
    expect(approvals).toEqual([...only('receipts[12]', 'unlisted_approval'), ...only('approvals', 'approval_mismatch')]);
    expect(verify(edited((b) => { b.approvals[1].receiptId = 'rcpt_elsewhere'; })).errors).toEqual(has('approvals[1].receiptId', 'unknown_receipt'));
  });

  it('missing_checkpoint, bad_checkpoint and receipt_not_covered', () => {
    expect(verify(edited((b) => { b.checkpoint = null; })).errors).toEqual([...only('checkpoint', 'missing_checkpoint'), ...bundle.proofs.map((_, j) => only(`proofs[${j}]`, 'unexpected_proof')[0])]);
    const misstated = verify(edited((b) => { b.checkpoint = checkpointOf(13, { lastReceiptHash: 'e'.repeat(64) }); })).errors;
    expect(misstated).toEqual([...only('checkpoint.data.lastReceiptHash', 'bad_checkpoint'), ...only('checkpoint.data.lastReceiptHash', 'bad_checkpoint')]);
    const short = verify(edited((b) => { b.checkpoint = checkpointOf(10); })).errors;
    expect(short).toEqual(expect.arrayContaining([...only('receipts[10].sequence', 'receipt_not_covered'), ...only('proofs[0].treeSize', 'proof_mismatch'), ...only('proofs[0].hashes', 'bad_inclusion_proof')]));
  });

  it('a receipt signature does not pass as the bundle signature, nor the bundle signature as a receipt signature (domain separation)', () => {
    const r = receipts[4].integrity;
    const asBundle = verify(Object.assign(clone(), { integrity: { ...bundle.integrity, bundleHash: r.receiptHash, signature: r.signature } })).errors;
    expect(asBundle).toEqual(expect.arrayContaining([...only('integrity.signature', 'bad_bundle_signature')]));
    const message = (domain: string, hash: string) => new TextEncoder().encode(domain + hash);
    expect(nodeVerifierCrypto.verifyEd25519(message(RECEIPT_SIGNATURE_DOMAIN, r.receiptHash), decodeBase64(r.signature), key.publicKeyPem)).toBe(true);
    const { bundleHash, signature } = bundle.integrity;
    expect(nodeVerifierCrypto.verifyEd25519(message(EVIDENCE_BUNDLE_SIGNATURE_DOMAIN, bundleHash), decodeBase64(signature), key.publicKeyPem)).toBe(true);
    expect(nodeVerifierCrypto.verifyEd25519(message(RECEIPT_SIGNATURE_DOMAIN, bundleHash), decodeBase64(signature), key.publicKeyPem)).toBe(false);
  });

  it('untrusted_key: a key added to keys verifies the bundle only to itself; trusted keys catch it', () => {
    const outsiderEntry = { ...keyEntry, keyId: outsider.keyId, publicKeyPem: outsider.publicKeyPem };
    const forged = edited((b) => { b.receipts.pop(); b.artifacts.pop(); b.artifactHashes.pop(); b.proofs.pop(); b.approvals.pop(); b.summary.receiptCount = 12; b.controls![0].evidenceReceiptIds.pop(); b.keys.push(outsiderEntry); }, outsider);
    expect(verify(forged).errors).toEqual([]);
    expect(verify(forged, [keyEntry]).errors).toEqual(only('keys[1].keyId', 'untrusted_key'));
    expect(verify(bundle, [{ keyId: key.keyId, publicKeyPem: outsider.publicKeyPem }]).errors).toEqual(only('keys[0].publicKeyPem', 'untrusted_key'));
    expect(verify(edited((b) => { b.keys[0].publicKeyPem = outsider.publicKeyPem; })).errors).toEqual(has('keys[0].publicKeyPem', 'key_mismatch'));
  });
});
