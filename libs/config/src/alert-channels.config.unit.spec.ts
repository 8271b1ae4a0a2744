import { ConfigError, loadConfig } from './config';
import { DEFAULT_PAGERDUTY_EVENTS_URL, parseAlertChannels } from './alert-channels.config';

const problem = (raw: string, legacy?: string) => {
  const parsed = parseAlertChannels(raw, legacy);
  return parsed.ok ? null : `${parsed.variable} ${parsed.problem}`;
};

describe('OARS_ALERT_CHANNELS', () => {
  it('is empty when unset, with the documented delivery defaults', () => {
    expect(loadConfig({}).alerting).toEqual({
      channels: [],
      pagerDutyEventsUrl: DEFAULT_PAGERDUTY_EVENTS_URL,
      allowPrivateNetwork: false,
      maxAttempts: 10,
      firstBackoffMs: 1000,
      maxBackoffMs: 300_000,
      timeoutMs: 5000,
      breakerFailures: 5,
      breakerCooldownMs: 30_000,
      concurrency: 16,
    });
  });

  it('reads the three v1 channel types, fills in the rate limits by type, and drops enabled:false', () => {
    const channels = JSON.stringify([
      { id: 'slack_secops', type: 'slack_webhook', url: 'https://hooks.slack.com/services/T/B/x' },
      { id: 'pagerduty', type: 'pagerduty_events_v2', routingKey: 'R0UT1NGKEY', source: 'oars-eu' },
      { id: 'siem', type: 'generic_webhook', url: 'https://siem.example.com/in', headers: { 'X-Token': 'abc' }, rateLimitPerMinute: 600, breakerFailures: 0 },
      { id: 'old', type: 'slack_webhook', url: 'https://hooks.slack.com/services/T/B/y', enabled: false },
    ]);
    const config = loadConfig({ OARS_ALERT_CHANNELS: channels, OARS_PAGERDUTY_EVENTS_URL: 'http://127.0.0.1:9/pd', OARS_ALERT_ALLOW_PRIVATE_NETWORK: 'true' });
    expect(config.alerting.channels).toEqual([
      { id: 'slack_secops', type: 'slack_webhook', url: 'https://hooks.slack.com/services/T/B/x', rateLimitPerMinute: 60, breakerFailures: null },
      { id: 'pagerduty', type: 'pagerduty_events_v2', routingKey: 'R0UT1NGKEY', source: 'oars-eu', rateLimitPerMinute: 120, breakerFailures: null },
      { id: 'siem', type: 'generic_webhook', url: 'https://siem.example.com/in', headers: { 'x-token': 'abc' }, rateLimitPerMinute: 600, breakerFailures: 0 },
    ]);
    expect(config.alerting).toMatchObject({ pagerDutyEventsUrl: 'http://127.0.0.1:9/pd', allowPrivateNetwork: true });
  });

  it('turns the legacy OARS_ALERT_WEBHOOK_URL into the generic webhook legacy_alert_webhook', () => {
    expect(loadConfig({ OARS_ALERT_WEBHOOK_URL: 'https://hooks.example.com/oars' }).alerting.channels).toEqual([
      { id: 'legacy_alert_webhook', type: 'generic_webhook', url: 'https://hooks.example.com/oars', headers: {}, rateLimitPerMinute: 0, breakerFailures: null },
    ]);
    expect(problem('', 'ftp://x')).toBe('OARS_ALERT_WEBHOOK_URL must be an http or https URL');
    expect(problem('[{"id":"legacy_alert_webhook","type":"slack_webhook","url":"https://x.test"}]', 'https://y.test')).toMatch(/names a channel "legacy_alert_webhook"/);
  });

  it.each([
    ['not JSON', '[{', /OARS_ALERT_CHANNELS is not valid JSON/],
    ['not an array', '{"id":"a"}', /must be a JSON array/],
    ['an entry that is not an object', '["a"]', /entry \[0\] must be an object/],
    ['a bad id', '[{"id":"a b","type":"slack_webhook","url":"https://x.test"}]', /entry \[0\]: id must match/],
    ['a duplicate id', '[{"id":"a","type":"slack_webhook","url":"https://x.test"},{"id":"a","type":"slack_webhook","url":"https://y.test"}]', /entry \[1\] \(id "a"\): duplicate id/],
    ['an unknown type', '[{"id":"a","type":"teams"}]', /entry \[0\] \(id "a"\): type must be one of slack_webhook, pagerduty_events_v2, generic_webhook/],
    ['a field of another type', '[{"id":"a","type":"slack_webhook","url":"https://x.test","routingKey":"k"}]', /entry \[0\] \(id "a"\): unknown field "routingKey" for slack_webhook/],
    ['a missing url', '[{"id":"a","type":"generic_webhook"}]', /entry \[0\] \(id "a"\): url is required/],
    ['another scheme', '[{"id":"a","type":"slack_webhook","url":"file:///etc/passwd"}]', /url must be an http or https URL/],
    ['a missing routing key', '[{"id":"pd","type":"pagerduty_events_v2"}]', /entry \[0\] \(id "pd"\): routingKey must be a non-empty string/],
    ['an empty source', '[{"id":"pd","type":"pagerduty_events_v2","routingKey":"k","source":""}]', /source must be a non-empty string/],
    ['headers that are not an object', '[{"id":"a","type":"generic_webhook","url":"https://x.test","headers":["x"]}]', /headers must be an object/],
    ['a header value with CRLF', '[{"id":"a","type":"generic_webhook","url":"https://x.test","headers":{"x-a":"1\\r\\nx-b: 2"}}]', /headers.x-a must be a string .* without CR, LF or NUL/],
    ['a header OARS sets', '[{"id":"a","type":"generic_webhook","url":"https://x.test","headers":{"Content-Length":"1"}}]', /headers.Content-Length is set by OARS/],
    ['a bad rate limit', '[{"id":"a","type":"slack_webhook","url":"https://x.test","rateLimitPerMinute":-1}]', /rateLimitPerMinute must be an integer between 0 and 1000000/],
    ['a bad breaker threshold', '[{"id":"a","type":"slack_webhook","url":"https://x.test","breakerFailures":1.5}]', /breakerFailures must be an integer/],
    ['a non-boolean enabled', '[{"id":"a","type":"slack_webhook","url":"https://x.test","enabled":"no"}]', /enabled must be true or false/],
  ])('refuses %s, naming the entry and the field', (_label, raw, message) => {
    expect(problem(raw)).toMatch(message);
  });

  it('stops the boot naming the variable, without echoing URLs, routing keys or header values', () => {
    const load = (channels: string) => () => loadConfig({ OARS_ALERT_CHANNELS: channels });
    expect(load('[{"id":"a","type":"slack_webhook","url":"ftp://user:s3cret@x.test"}]')).toThrow(/^Invalid configuration: OARS_ALERT_CHANNELS entry \[0\] \(id "a"\): url must be/);
    expect(load('[{"id":"a","type":"slack_webhook","url":"ftp://user:s3cret@x.test"}]')).not.toThrow(/s3cret/);
    expect(load('[{"id":"a","type":"generic_webhook","url":"https://x.test","headers":{"x-key":"s3cret\\n"}}]')).not.toThrow(/s3cret/);
    expect(load('[{"id":"a","type":"generic_webhook","url":"https://x.test","headers":{"x-key":"s3cret\\n"}}]')).toThrow(ConfigError);
  });

  it.each([
    ['OARS_ALERT_MAX_ATTEMPTS', '0'],
    ['OARS_ALERT_BACKOFF_MS', 'soon'],
    ['OARS_ALERT_TIMEOUT_MS', '60001'],
    ['OARS_ALERT_BREAKER_COOLDOWN_MS', '0'],
    ['OARS_ALERT_DELIVERY_CONCURRENCY', '257'],
    ['OARS_ALERT_ALLOW_PRIVATE_NETWORK', 'maybe'],
    ['OARS_PAGERDUTY_EVENTS_URL', 'ftp://pd.example.com'],
  ])('names a bad %s', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
