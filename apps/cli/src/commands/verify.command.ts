import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  ReceiptBundleVerifier,
  embeddedKeysOf,
  looksLikeEvidenceBundle,
  nodeVerifierCrypto,
  parseTrustedKeys,
  verifyConsistencyProof,
  verifyEvidenceBundle,
  verifyInclusionProof,
  type BundleVerification,
  type EvidenceBundleVerification,
  type ProofVerification,
  type Receipt,
  type TrustedKey,
} from '@oars/receipts';
import type { CliCommand, CliIo } from '../cli-io';

const USAGE = `Usage: oars verify <file> [--keys <keys.json>] [--receipt <receipt.json>] [--trust-embedded-keys] [--expect-first-sequence <n>] [--json]

Verifies signed receipts offline: every hash and Ed25519 signature, the tenant chain (sequence and
prevEventHash) and every action chain (prevReceiptHash). An evidence bundle is verified whole and
offline: its hash and signature, every receipt, inclusion proof, section and manifest entry. A
transparency proof (GET /v1/receipts/:receiptId/proof, GET /v1/transparency/consistency) is checked
against its signed checkpoints with the keys of --keys.

  <file>                       one receipt (JSON), a JSON array of receipts, or NDJSON (one receipt per line,
                               or the output of oars replay / GET /v1/admin/forensics/replay), or an
                               evidence bundle (checked with its own keys; --keys, optional, must hold its signers),
                               or an inclusion or consistency proof (--keys required)
  --receipt <receipt.json>     with an inclusion proof: the receipt it proves (its hash must be the leaf)
  --keys <keys.json>           trusted public keys: the response of GET /v1/trust/tenants/:tenantId/keys,
                               or an array of {keyId, publicKeyPem}
  --trust-embedded-keys        also trust the public keys carried by key.generated / key.rotated receipts
                               in the file itself (trust on first use)
  --expect-first-sequence <n>  the file must start at sequence n (1: a whole stream, nothing missing at the start)
  --json                       print the result object instead of a summary

Exit status: 0 everything verifies, 1 something does not, 2 usage error.`;

const PROGRESS_EVERY = 10_000;
const MAX_LISTED_ERRORS = 20;

/** Wrong invocation or unusable input: exit 2 with a message naming what is wrong. */
class UsageError extends Error {
  readonly code = 'usage_error';
}

interface VerifyArgs {
  file: string;
  keysPath?: string;
  receiptPath?: string;
  trustEmbeddedKeys: boolean;
  expectFirstSequence?: number;
  json: boolean;
}

/** `--json` output for an evidence bundle. */
export interface EvidenceBundleReport extends EvidenceBundleVerification {
  file: string;
  kind: 'evidence_bundle';
  bundleId: unknown;
  tenantId: unknown;
  /** Keys from the keys file the bundle's signers had to be; 0: only the bundle's own keys (self-consistency). */
  trustedKeys: number;
}

export interface VerifyReport extends BundleVerification {
  file: string;
  kind?: 'receipts';
  /** NDJSON lines that were not JSON; each is also listed in verificationErrors. */
  unreadableLines: number;
  /** Where the trusted keys came from; `trustOnFirstUse` when any came from the file itself. */
  keys: { fromKeysFile: number; embedded: number; trustOnFirstUse: boolean };
  isValid: boolean;
}

/** `oars verify <file> --keys <keys.json>`: argv is everything after `verify`. */
export const verifyCommand: CliCommand = async (argv, io) => {
  let args: VerifyArgs | 'help';
  try {
    args = parseVerifyArgs(argv);
    if (args === 'help') {
      io.out(USAGE);
      return 0;
    }
    const format = await detectFormat(args.file);
    const document = await readSingleDocument(args.file, format);
    const proofKind = proofKindOf(document);
    const report = proofKind
      ? await verifyProofFile(args, proofKind, document)
      : looksLikeEvidenceBundle(document)
        ? await verifyBundleFile(args, document as Record<string, unknown>)
        : await verifyFile(args, format, io);
    if (args.json) io.out(JSON.stringify(report, null, 2));
    else if (report.kind === 'evidence_bundle') printBundleSummary(report, io);
    else if (report.kind === 'inclusion_proof' || report.kind === 'consistency_proof') printProofSummary(report as ProofReport, io);
    else printSummary(report as VerifyReport, io);
    return report.isValid ? 0 : 1;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`oars verify: ${error.message}\n\n${USAGE}`);
    return 2;
  }
};

function parseVerifyArgs(argv: string[]): VerifyArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        keys: { type: 'string' },
        receipt: { type: 'string' },
        'trust-embedded-keys': { type: 'boolean', default: false },
        'expect-first-sequence': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing <file> to verify.' : `expected one <file>, got ${positionals.length}: ${positionals.join(' ')}.`);
  }
  const first = values['expect-first-sequence'];
  if (first !== undefined && !/^[1-9][0-9]*$/.test(first)) throw new UsageError(`--expect-first-sequence must be a positive integer, got "${first}".`);
  return {
    file: positionals[0],
    keysPath: values.keys,
    receiptPath: values.receipt,
    trustEmbeddedKeys: values['trust-embedded-keys'] ?? false,
    expectFirstSequence: first === undefined ? undefined : Number(first),
    json: values.json ?? false,
  };
}

async function verifyFile(args: VerifyArgs, format: Format, io: CliIo): Promise<VerifyReport> {
  if (args.keysPath === undefined && !args.trustEmbeddedKeys) {
    throw new UsageError('no trusted keys: pass --keys <keys.json> (the tenant trust endpoint response), or --trust-embedded-keys.');
  }
  const fromKeysFile = args.keysPath ? await readKeysFile(args.keysPath) : [];
  const embedded = args.trustEmbeddedKeys ? await collectEmbeddedKeys(args.file, format, fromKeysFile) : [];
  const verifier = new ReceiptBundleVerifier([...fromKeysFile, ...embedded], {
    crypto: nodeVerifierCrypto,
    expectFirstSequence: args.expectFirstSequence,
  });
  const lineErrors: string[] = [];
  let count = 0;
  for await (const item of readReceipts(args.file, format)) {
    if ('error' in item) {
      lineErrors.push(item.error);
      continue;
    }
    verifier.add(item.value);
    if (++count % PROGRESS_EVERY === 0) io.err(`verify: ${count.toLocaleString('en-US')} receipts checked`);
  }
  const result = verifier.result();
  const verificationErrors = [...lineErrors, ...result.verificationErrors];
  if (result.checked === 0) verificationErrors.push('No receipts in the file.');
  return {
    file: args.file,
    ...result,
    verificationErrors,
    unreadableLines: lineErrors.length,
    keys: { fromKeysFile: fromKeysFile.length, embedded: embedded.length, trustOnFirstUse: embedded.length > 0 },
    isValid: verificationErrors.length === 0 && result.isSignatureValid && result.isChainValid && result.isSchemaValid,
  };
}

async function verifyBundleFile(args: VerifyArgs, bundle: Record<string, unknown>): Promise<EvidenceBundleReport> {
  const trustedKeys = args.keysPath ? await readKeysFile(args.keysPath) : undefined;
  const result = verifyEvidenceBundle(bundle, nodeVerifierCrypto, { trustedKeys });
  return { file: args.file, kind: 'evidence_bundle', bundleId: bundle.bundleId, tenantId: bundle.tenantId, trustedKeys: trustedKeys?.length ?? 0, ...result };
}

/** `--json` output for a transparency proof. */
export interface ProofReport extends ProofVerification {
  file: string;
  kind: 'inclusion_proof' | 'consistency_proof';
  trustedKeys: number;
}

/** An inclusion proof names its leaf and checkpoint; a consistency proof its two tree sizes. */
function proofKindOf(document: unknown): ProofReport['kind'] | null {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return null;
  const d = document as Record<string, unknown>;
  if ('leafHash' in d && 'hashes' in d && 'checkpoint' in d) return 'inclusion_proof';
  if ('oldSize' in d && 'newSize' in d && 'hashes' in d) return 'consistency_proof';
  return null;
}

async function verifyProofFile(args: VerifyArgs, kind: ProofReport['kind'], document: unknown): Promise<ProofReport> {
  if (!args.keysPath) throw new UsageError('a proof is checked against its signed checkpoints: pass --keys <keys.json> (the tenant trust endpoint response).');
  const keys = await readKeysFile(args.keysPath);
  let result: ProofVerification;
  if (kind === 'inclusion_proof') {
    let receipt: Receipt | undefined;
    if (args.receiptPath) {
      try {
        receipt = JSON.parse(await readFile(args.receiptPath, 'utf8')) as Receipt;
      } catch (error) {
        throw new UsageError(`--receipt ${args.receiptPath} is not a readable JSON receipt: ${(error as Error).message}`);
      }
    }
    result = verifyInclusionProof(document, { keys, receipt, crypto: nodeVerifierCrypto });
  } else {
    result = verifyConsistencyProof(document, { keys, crypto: nodeVerifierCrypto });
  }
  return { file: args.file, kind, trustedKeys: keys.length, ...result };
}

function printProofSummary(report: ProofReport, io: CliIo): void {
  io.out(`Verified ${report.kind === 'inclusion_proof' ? 'inclusion' : 'consistency'} proof from ${basename(report.file)} against ${report.trustedKeys} trusted keys`);
  for (const e of report.errors.slice(0, MAX_LISTED_ERRORS)) io.out(`  - ${e.path || '(proof)'}: ${e.code}: ${e.message}`);
  io.out(`Result:     ${report.isValid ? 'VALID' : 'INVALID'}`);
}

/**
 * The file's document when it is one JSON document (an evidence bundle or a proof, pretty-printed
 * or on one line), else null. Reads an NDJSON file's first line only.
 */
async function readSingleDocument(file: string, format: Format): Promise<unknown> {
  let document: unknown = null;
  try {
    if (format === 'json') {
      const text = await readFile(file, 'utf8');
      if (!text.trimStart().replace(/^\uFEFF/, '').startsWith('{')) return null;
      document = JSON.parse(text);
    } else {
      const input = createReadStream(file, 'utf8');
      try {
        for await (const line of createInterface({ input, crlfDelay: Infinity })) {
          if (line.trim() === '') continue;
          document = JSON.parse(line);
          break;
        }
      } finally {
        input.destroy();
      }
    }
  } catch {
    return null; // not one JSON document: receipts, whose reader names the bad lines
  }
  return document;
}

async function readKeysFile(path: string): Promise<TrustedKey[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read keys file ${path}: ${(error as Error).message}`);
  }
  try {
    return parseTrustedKeys(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`keys file ${path} is not usable: ${(error as Error).message}`);
  }
}

/** The embedded keys the keys file does not already name (the keys file wins; a different PEM is reported by the verifier). */
async function collectEmbeddedKeys(file: string, format: Format, trusted: TrustedKey[]): Promise<TrustedKey[]> {
  const found = new Map<string, TrustedKey>();
  for await (const item of readReceipts(file, format, '"key.')) {
    for (const key of 'value' in item ? embeddedKeysOf(item.value) : []) {
      if (!found.has(key.keyId)) found.set(key.keyId, key);
    }
  }
  return [...found.values()].filter((key) => {
    const known = trusted.find((t) => t.keyId === key.keyId);
    return !known || known.publicKeyPem.trim() !== key.publicKeyPem.trim();
  });
}

type Format = 'json' | 'ndjson';
type Item = { value: unknown } | { error: string };

/** NDJSON when the first line is a JSON value on its own; otherwise one JSON document (a receipt or an array). */
async function detectFormat(file: string): Promise<Format> {
  let head: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (head === '') throw new UsageError(`${file} is empty.`);
  if (head[0] === '[') return 'json';
  if (head[0] !== '{') throw new UsageError(`${file} is not JSON or NDJSON receipts (it starts with "${head.slice(0, 20)}").`);
  const newline = head.indexOf('\n');
  if (newline === -1) return 'ndjson';
  try {
    JSON.parse(head.slice(0, newline));
    return 'ndjson';
  } catch {
    return 'json';
  }
}

/** Receipts in file order. `mustContain` skips NDJSON lines without that text unparsed (a cheap pre-filter). */
async function* readReceipts(file: string, format: Format, mustContain?: string): AsyncGenerator<Item> {
  if (format === 'json') {
    const text = await readFile(file, 'utf8');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      // Not one JSON document: read it line by line, so each bad line is named.
      yield* readReceipts(file, 'ndjson', mustContain);
      return;
    }
    yield* (Array.isArray(document) ? document : [document]).map((value) => ({ value }));
    return;
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const trimmed = line.trim();
    if (trimmed === '' || (mustContain !== undefined && !trimmed.includes(mustContain))) continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      yield { error: `Line ${lineNumber}: not valid JSON.` };
      continue;
    }
    const item = replayLineItem(value, lineNumber);
    if (item) yield item;
  }
}

/**
 * A line of `oars replay` or `GET /v1/admin/forensics/replay`: an event line stands for its
 * `receipt`, the summary line for nothing, an error line (a replay cut short) for an error. Any other
 * line is a receipt itself.
 */
function replayLineItem(value: unknown, lineNumber: number): Item | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { value };
  const line = value as Record<string, unknown>;
  const only = Object.keys(line).length === 1;
  if ('receipt' in line && 'verification' in line) return { value: line.receipt };
  if (only && 'summary' in line) return null;
  if (only && 'error' in line) return { error: `Line ${lineNumber}: the replay ended in an error: ${JSON.stringify(line.error).slice(0, 300)}` };
  return { value };
}

function printSummary(report: VerifyReport, io: CliIo): void {
  const status = (ok: boolean, failures: string) => (ok ? 'OK' : `FAILED (${failures})`);
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  io.out(`Verified ${report.checked.toLocaleString('en-US')} receipts from ${basename(report.file)}`);
  io.out(`Keys:       ${describeKeys(report)}`);
  if (report.keys.trustOnFirstUse) {
    io.out('            Trust on first use: embedded keys prove the file is consistent with itself, not that it');
    io.out("            comes from the tenant. Compare them with the tenant's trust endpoint (--keys).");
  }
  io.out(`Signatures: ${status(report.isSignatureValid, `${report.signatureFailures} failed`)}`);
  io.out(`Chain:      ${status(report.isChainValid, plural(report.chainErrors.length, 'error'))}`);
  io.out(`Schema:     ${status(report.isSchemaValid, plural(report.schemaFailures, 'receipt'))}`);
  if (report.unreadableLines > 0) io.out(`Unreadable: ${plural(report.unreadableLines, 'line')}`);
  const errors = report.verificationErrors;
  if (errors.length > 0) {
    io.out(errors.length > MAX_LISTED_ERRORS ? `Errors (first ${MAX_LISTED_ERRORS} of ${errors.length}; --json lists all):` : 'Errors:');
    for (const error of errors.slice(0, MAX_LISTED_ERRORS)) io.out(`  - ${error}`);
  }
  io.out(`Result:     ${report.isValid ? 'VALID' : 'INVALID'}`);
}

function printBundleSummary(report: EvidenceBundleReport, io: CliIo): void {
  const { checked } = report;
  io.out(`Verified evidence bundle ${String(report.bundleId)} of ${String(report.tenantId)} from ${basename(report.file)}`);
  io.out(`Checked:    ${checked.receipts} receipts, ${checked.proofs} inclusion proofs, ${checked.policies} policies, ${checked.approvals} approvals, ${checked.manifestEntries} manifest entries`);
  if (report.trustedKeys > 0) io.out(`Keys:       its signers checked against ${report.trustedKeys} keys from the keys file`);
  else io.out("Keys:       the bundle's own: this proves it is consistent with itself, not that it comes from the tenant (--keys).");
  if (report.errors.length > 0) {
    io.out(report.errors.length > MAX_LISTED_ERRORS ? `Errors (first ${MAX_LISTED_ERRORS} of ${report.errors.length}; --json lists all):` : 'Errors:');
    for (const e of report.errors.slice(0, MAX_LISTED_ERRORS)) io.out(`  - ${e.path || '(bundle)'}: ${e.code}: ${e.message}`);
  }
  io.out(`Result:     ${report.isValid ? 'VALID' : 'INVALID'}`);
}

function describeKeys(report: VerifyReport): string {
  const parts = [];
  if (report.keys.fromKeysFile > 0) parts.push(`${report.keys.fromKeysFile} from the keys file`);
  if (report.keys.embedded > 0 || parts.length === 0) parts.push(`${report.keys.embedded} embedded in the file`);
  return parts.join(', ');
}
