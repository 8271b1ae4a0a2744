import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Keeps the libs layered: dependencies flow one way (no lib imports a lib that imports it back,
 * however long the loop), production code never imports the test-only `@oars/testing`, and no lib
 * reaches into another's folder by a relative path. Specs and test support are left out: they may
 * import `@oars/testing`, which imports the production libs.
 */
const LIBS_DIR = join(__dirname, '..', '..');
const IMPORT = /(?:from|import|require\()\s*['"]([^'"]+)['"]/g;

function isTestCode(path: string): boolean {
  return /\.spec\.ts$|(^|\/)test-support\//.test(path);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function productionFiles(lib: string): string[] {
  const src = join(LIBS_DIR, lib, 'src');
  return sourceFiles(src).filter((path) => !isTestCode(relative(src, path)));
}

function importsOf(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(IMPORT)].map((m) => m[1]);
}

const libs = readdirSync(LIBS_DIR).filter((name) => statSync(join(LIBS_DIR, name, 'src'), { throwIfNoEntry: false })?.isDirectory());

/** lib -> the libs its production files import, with one importing file each for the message. */
function libGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const lib of libs) {
    const edges = new Map<string, string>();
    if (lib !== 'testing') {
      for (const file of productionFiles(lib)) {
        for (const spec of importsOf(file)) {
          const target = /^@oars\/([a-z-]+)/.exec(spec)?.[1];
          if (target && target !== lib && !edges.has(target)) edges.set(target, relative(LIBS_DIR, file));
        }
      }
    }
    graph.set(lib, edges);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the path of libs that closes on itself. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (lib: string, path: string[]): void => {
    const at = path.indexOf(lib);
    if (at >= 0) {
      found.push([...path.slice(at), lib]);
      return;
    }
    if (done.has(lib)) return;
    for (const next of graph.get(lib)?.keys() ?? []) walk(next, [...path, lib]);
    done.add(lib);
  };
  for (const lib of graph.keys()) walk(lib, []);
  return found;
}

describe('lib dependency graph', () => {
  const graph = libGraph();

  it('has no cycle between libs', () => {
    const described = cycles(graph).map((cycle) =>
      cycle
        .slice(1)
        .map((to, i) => `${cycle[i]} -> ${to} (${graph.get(cycle[i])?.get(to)})`)
        .join(', '),
    );
    expect(described).toEqual([]);
  });

  it('keeps @oars/testing out of production code', () => {
    const importers = [...graph].filter(([, edges]) => edges.has('testing')).map(([lib, edges]) => `${lib}: ${edges.get('testing')}`);
    expect(importers).toEqual([]);
  });

  it('exports no test builders or fixtures from a production barrel', () => {
    const exported = libs
      .filter((lib) => lib !== 'testing')
      .flatMap((lib) => sourceFiles(join(LIBS_DIR, lib, 'src')).filter((file) => file.endsWith('index.ts')))
      .flatMap((barrel) => importsOf(barrel).filter((spec) => /fixture|testing|test-support|builders/.test(spec)).map((spec) => `${relative(LIBS_DIR, barrel)}: ${spec}`));
    expect(exported).toEqual([]);
  });

  it('never reaches into another lib by a relative path', () => {
    const escapes = libs.flatMap((lib) =>
      sourceFiles(join(LIBS_DIR, lib, 'src')).flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('.'))
          .filter((spec) => !join(file, '..', spec).startsWith(join(LIBS_DIR, lib)))
          .map((spec) => `${relative(LIBS_DIR, file)}: ${spec}`),
      ),
    );
    expect(escapes).toEqual([]);
  });

  it('sees the libs it guards', () => {
    expect(libs).toEqual(expect.arrayContaining(['db', 'eventstore', 'ledger', 'receipts', 'readmodels']));
    expect(graph.get('eventstore')?.has('db')).toBe(true);
  });
});
