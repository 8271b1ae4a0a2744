import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** File names the console may serve: one flat folder, no paths, so a request can never leave it. */
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg)$/;

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

/**
 * The ops console's static files, read once into memory. They are looked up by exact name in a map
 * built from the folder's listing, never by joining a request path, so there is no path traversal.
 */
export class ConsoleAssets {
  private constructor(
    private readonly files: ReadonlyMap<string, ConsoleAsset>,
    /** The folder served, or null when none was found (the console then answers 503). */
    readonly dir: string | null,
  ) {}

  /** Loads `dir` (or the first folder of `consoleAssetDirs()` holding an index.html). */
  static load(dir: string | null = findConsoleDir()): ConsoleAssets {
    const files = new Map<string, ConsoleAsset>();
    if (dir) {
      for (const name of readdirSync(dir)) {
        if (!ASSET_NAME.test(name)) continue;
        files.set(name, { body: readFileSync(join(dir, name)), contentType: CONTENT_TYPES[extname(name)]! });
      }
    }
    return new ConsoleAssets(files, dir);
  }

  get(name: string): ConsoleAsset | null {
    return this.files.get(name) ?? null;
  }
}

/**
 * Where the console's files may be: the built copy beside the compiled API
 * (dist/apps/console/public, written by `npm run build:console`), else the source folder
 * apps/console/public (tests run from source; plain JS needs no build step).
 */
export function consoleAssetDirs(): string[] {
  return [resolve(__dirname, '../../../console/public'), resolve(__dirname, '../../../../../apps/console/public')];
}

function findConsoleDir(): string | null {
  return consoleAssetDirs().find((d) => existsSync(join(d, 'index.html'))) ?? null;
}
