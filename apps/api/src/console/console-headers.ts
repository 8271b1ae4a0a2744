/**
 * Content-Security-Policy of every /console response: scripts and styles only from this origin (no
 * inline script, no eval), fetches only to this origin, no framing, no plugins, no form posts.
 * Security obligation: the console MUST keep working under this policy, so nothing inline may be added.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every console file is sent with (the API's own hooks add nosniff, DENY and no-store). */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};
