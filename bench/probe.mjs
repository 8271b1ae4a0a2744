#!/usr/bin/env node
// Small probes for bench shell scripts (node: built-ins only):
//   node bench/probe.mjs free-port         a free TCP port on 127.0.0.1
//   node bench/probe.mjs status URL        the HTTP status of GET URL (0 when unreachable)
//   node bench/probe.mjs hex N             N random bytes as hex (run ids, secrets)
//   node bench/probe.mjs signature         one Ed25519 signature (node:crypto, 77-byte message), in µs:
//                                          the machine speed run-bench.sh prints beside its figures
import net from 'node:net';
import http from 'node:http';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const [what, arg] = process.argv.slice(2);
if (what === 'free-port') {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    process.stdout.write(`${server.address().port}\n`);
    server.close();
  });
} else if (what === 'status' && arg) {
  const req = http.get(arg, { timeout: 2000 }, (res) => {
    res.resume();
    process.stdout.write(`${res.statusCode}\n`);
  });
  req.on('timeout', () => req.destroy());
  req.on('error', () => process.stdout.write('0\n'));
} else if (what === 'hex' && Number(arg) > 0) {
  process.stdout.write(randomBytes(Number(arg)).toString('hex'));
} else if (what === 'signature') {
  const { privateKey } = generateKeyPairSync('ed25519');
  const message = Buffer.alloc(77);
  for (let i = 0; i < 500; i++) sign(null, message, privateKey);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 5000; i++) sign(null, message, privateKey);
  process.stdout.write((Number(process.hrtime.bigint() - t0) / 5000 / 1000).toFixed(1));
} else {
  process.stderr.write('usage: probe.mjs free-port | status URL | hex N | signature\n');
  process.exit(2);
}
