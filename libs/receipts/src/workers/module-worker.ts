import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `file` (absolute path, without extension), as built:
 * `<file>.js` next to the compiled caller. From TypeScript sources (tests, `jest`), the worker
 * compiles `.ts` modules on the fly with the repository's `.swcrc` (path aliases included), so the
 * same worker code runs in both; that needs the dev dependencies `@swc/core` and `pirates`.
 */
export function startModuleWorker(file: string, workerData: unknown): Worker {
  if (existsSync(`${file}.js`)) return new Worker(`${file}.js`, { workerData });
  if (!existsSync(`${file}.ts`)) throw new Error(`worker module ${file}.js not found (run npm run build)`);
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...(workerData as object), __tsEntry: `${file}.ts`, __root: repositoryRoot(file) } });
}

function repositoryRoot(from: string): string {
  let dir = resolve(from, '..');
  while (!existsSync(join(dir, '.swcrc'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error(`no .swcrc above ${from}`);
    dir = up;
  }
  return dir;
}

/**
 * Runs a TypeScript module of this repository (worker thread: `workerData.__tsEntry`/`__root`;
 * process: `node -e TS_BOOTSTRAP` with OARS_TS_ENTRY/OARS_TS_ROOT), compiling `.ts` with `.swcrc`.
 */
export const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const entry = workerData ? workerData.__tsEntry : process.env.OARS_TS_ENTRY;
const root = workerData ? workerData.__root : process.env.OARS_TS_ROOT;
const req = createRequire(root + '/package.json');
const swc = req('@swc/core');
const { addHook } = req('pirates');
const fs = req('node:fs');
const rc = JSON.parse(fs.readFileSync(root + '/.swcrc', 'utf8'));
delete rc.$schema;
const options = { ...rc, jsc: { ...rc.jsc, baseUrl: root }, sourceMaps: 'inline', swcrc: false, configFile: false };
addHook((code, filename) => swc.transformSync(code, { ...options, filename }).code, { exts: ['.ts'] });
req(entry);
`;
