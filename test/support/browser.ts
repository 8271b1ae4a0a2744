import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where browser tests leave screenshots (git-ignored; CI keeps the workspace). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-results', 'console');

/** Headless Chromium with a throw-away profile. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** What the page reported that a test must see empty: uncaught errors and CSP violations. */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  return problems;
}

/**
 * Polls the text of `selector` until `accept` holds, up to `timeoutMs`; the error names what was
 * awaited and what the page showed last.
 */
export async function pollText(page: Page, selector: string, accept: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await page.locator(selector).first().textContent({ timeout: 2_000 }).catch(() => null)) ?? '<no such element>';
    if (accept(text)) return text;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; ${selector} shows: ${text.replace(/\s+/g, ' ').slice(0, 600)}`);
    await page.waitForTimeout(200);
  }
}

/** A count shown on the page ("1,234" -> 1234; NaN when it is not a number yet). */
export const countOf = (text: string) => Number(text.replace(/[,\s]/g, ''));

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
