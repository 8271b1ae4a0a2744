import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Every file the portable verifier loads, following relative imports from verifier/index.ts. */
function reachableFiles(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    files.set(file, source);
    for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
      if (specifier.startsWith('.')) {
        const base = resolve(dirname(file), specifier);
        pending.push(existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts'));
      }
    }
  }
  return files;
}

describe('portable verifier', () => {
  const files = reachableFiles(join(__dirname, 'index.ts'));

  it('loads only tweetnacl and dependency-free files: no node: modules, no Buffer, no process', () => {
    const names = [...files.keys()].map((f) => f.slice(resolve(__dirname, '..').length + 1));
    expect(names).toEqual(expect.arrayContaining(['canonical-json.ts', 'receipt-hash-input.ts', 'receipt.types.ts', 'verifier/sha256.ts']));
    for (const [file, source] of files) {
      const packages = [...source.matchAll(/from '([^'.][^']*)'/g)].map((m) => m[1]);
      expect({ file, packages: packages.filter((p) => p !== 'tweetnacl') }).toEqual({ file, packages: [] });
      expect({ file, nodeGlobals: /\b(Buffer|process|require)\b[.(]/.test(source) }).toEqual({ file, nodeGlobals: false });
    }
  });
});
