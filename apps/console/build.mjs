// Builds the ops console: checks that the files keep to the console's Content-Security-Policy
// (no inline script, style or event handler; no HTML injection sinks) and that every reference
// resolves, then copies them to dist/apps/console/public, where the compiled API serves them from.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const src = join(here, 'public');
const out = join(root, 'dist', 'apps', 'console', 'public');

const problems = [];
const files = readdirSync(src).filter((f) => /\.(html|js|css|svg)$/.test(f));
for (const name of files) {
  const text = readFileSync(join(src, name), 'utf8');
  if (name.endsWith('.html')) {
    if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(text)) problems.push(`${name}: inline <script> (the CSP allows only script files)`);
    if (/\son[a-z]+\s*=/i.test(text)) problems.push(`${name}: inline event handler attribute`);
    if (/\sstyle\s*=|<style/i.test(text)) problems.push(`${name}: inline style (the CSP allows only style files)`);
    for (const [, ref] of text.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)) if (!files.includes(ref)) problems.push(`${name}: ${ref} does not exist`);
  }
  if (name.endsWith('.js')) {
    for (const [, ref] of text.matchAll(/from '\.\/([^']+)'/g)) if (!files.includes(ref)) problems.push(`${name}: imports ${ref}, which does not exist`);
    if (/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(/.test(text)) problems.push(`${name}: uses an HTML or code injection sink`);
  }
}
if (!files.includes('index.html')) problems.push('index.html is missing');
if (problems.length > 0) {
  process.stderr.write(`console build failed:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
if (existsSync(out)) rmSync(out, { recursive: true });
mkdirSync(out, { recursive: true });
for (const name of files) cpSync(join(src, name), join(out, name));
// Quiet under `npm run build --silent` (npm start), like the swc step.
if (process.env.npm_config_loglevel !== 'silent') process.stdout.write(`console: ${files.length} files -> ${relative(root, out)}\n`);
