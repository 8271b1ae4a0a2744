#!/usr/bin/env node
// Merkle transparency proofs of a receipt stream (libs/receipts/src/verifier/merkle.ts), in process:
//   node bench/merkle-proofs.mjs [--leaves 100000] [--samples 10000] [--json]
// No build needed: the two portable TypeScript files are compiled with @swc/core (a devDependency)
// into a temporary directory and loaded from there. Reports the MerkleLog build time over receipt-hash
// leaves, p50/p95/p99 of inclusion and consistency proof generation and verification at random
// positions, and one Ed25519 signature (node:crypto, 64-byte message, median of 2,000) as the unit.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const opts = { leaves: 100_000, samples: 10_000, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') opts.json = true;
    else if ((argv[i] === '--leaves' || argv[i] === '--samples') && i + 1 < argv.length) opts[argv[i].slice(2)] = Number(argv[++i]);
    else throw new Error(`bad argument ${argv[i]} (usage: node bench/merkle-proofs.mjs [--leaves N] [--samples N] [--json])`);
  }
  return opts;
}

/** merkle.ts and sha256.ts compiled to CommonJS in a temporary directory. */
function loadMerkle() {
  const { transformFileSync } = require('@swc/core');
  const out = mkdtempSync(join(tmpdir(), 'oars-merkle-bench-'));
  try {
    for (const name of ['sha256', 'merkle']) {
      const { code } = transformFileSync(join(root, `libs/receipts/src/verifier/${name}.ts`), {
        swcrc: false,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      writeFileSync(join(out, `${name}.js`), code);
    }
    return require(join(out, 'merkle.js'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const micros = (t0) => Number(process.hrtime.bigint() - t0) / 1000;
const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
}

/** Times `prove` and `verify` over `samples` cases; every proof MUST verify. */
function measure(cases, prove, verify) {
  const generation = [];
  const verification = [];
  for (const c of cases) {
    let t0 = process.hrtime.bigint();
    const proof = prove(c);
    generation.push(micros(t0));
    t0 = process.hrtime.bigint();
    const ok = verify(c, proof);
    verification.push(micros(t0));
    if (!ok) throw new Error(`proof did not verify: ${JSON.stringify(c)}`);
  }
  return { generation: summary(generation), verification: summary(verification) };
}

function signatureMicros() {
  const { privateKey } = generateKeyPairSync('ed25519');
  const message = randomBytes(64);
  for (let i = 0; i < 200; i++) sign(null, message, privateKey);
  const times = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    sign(null, message, privateKey);
    times.push(micros(t0));
  }
  return summary(times).p50;
}

function run({ leaves: n, samples }) {
  const merkle = loadMerkle();
  let t0 = process.hrtime.bigint();
  const leafHashes = Array.from({ length: n }, () => merkle.merkleLeafHash(randomBytes(32).toString('hex')));
  const leafHashingMs = micros(t0) / 1000;
  t0 = process.hrtime.bigint();
  const log = new merkle.MerkleLog(leafHashes);
  const rootHash = log.root();
  const buildMs = micros(t0) / 1000;

  const randomIndex = (below) => Math.floor(Math.random() * below);
  const inclusionCases = Array.from({ length: samples }, () => randomIndex(n));
  const inclusion = measure(
    inclusionCases,
    (index) => log.inclusionProof(index),
    (index, proof) => merkle.verifyInclusion(leafHashes[index], index, n, proof, rootHash),
  );
  const consistencyCases = Array.from({ length: samples }, () => {
    const oldSize = 1 + randomIndex(n - 1);
    const newSize = oldSize + 1 + randomIndex(n - oldSize);
    return { oldSize, newSize, oldRoot: log.root(oldSize), newRoot: log.root(newSize) };
  });
  const consistency = measure(
    consistencyCases,
    (c) => log.consistencyProof(c.oldSize, c.newSize),
    (c, proof) => merkle.verifyConsistency(c.oldSize, c.newSize, c.oldRoot, c.newRoot, proof),
  );
  return { leaves: n, samples, leafHashingMs, buildMs, inclusion, consistency, signatureMicros: signatureMicros(), cores: availableParallelism(), node: process.version };
}

function print(r) {
  const row = (label, s) => `  ${label.padEnd(26)} p50 ${s.p50.toFixed(1).padStart(6)} µs  p95 ${s.p95.toFixed(1).padStart(6)} µs  p99 ${s.p99.toFixed(1).padStart(6)} µs  (p50 ${(s.p50 / r.signatureMicros).toFixed(2)} signatures)`;
  return [
    `MerkleLog of ${r.leaves.toLocaleString('en')} receipt-hash leaves (portable SHA-256): leaf hashing ${r.leafHashingMs.toFixed(0)} ms, build + root ${r.buildMs.toFixed(0)} ms`,
    `${r.samples.toLocaleString('en')} random positions:`,
    row('inclusion proof', r.inclusion.generation),
    row('inclusion verification', r.inclusion.verification),
    row('consistency proof', r.consistency.generation),
    row('consistency verification', r.consistency.verification),
    `one Ed25519 signature ${r.signatureMicros.toFixed(1)} µs (node:crypto, 64 bytes, median of 2,000); ${r.cores} cores, node ${r.node}`,
  ].join('\n');
}

const opts = parseArgs(process.argv.slice(2));
const result = run(opts);
process.stdout.write(`${opts.json ? JSON.stringify(result) : print(result)}\n`);
