import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { AlertDeliveryMetrics } from './alert-delivery.metrics';

const documented = new Set([...readFileSync(join(__dirname, '../../../../docs/metrics.md'), 'utf8').matchAll(/`(oars_[a-z0-9_]+)`/g)].map((m) => m[1]!));

describe('AlertDeliveryMetrics', () => {
  it('registers documented metrics, once per registry, with a series per channel gate', async () => {
    const registry = new Registry();
    const metrics = new AlertDeliveryMetrics(() => [{ channelId: 'pagerduty', breakerOpen: true, held: 3 }]);
    metrics.registerIn(registry);
    metrics.registerIn(registry);
    metrics.deliveries.inc({ channel: 'pagerduty', outcome: 'delivered' });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.filter((n) => !documented.has(n))).toEqual([]);
    const text = await registry.metrics();
    expect(text).toContain('oars_alert_channel_circuit_open{channel="pagerduty"} 1');
    expect(text).toContain('oars_alert_deliveries_held{channel="pagerduty"} 3');
    expect(text).toContain('oars_alert_deliveries_total{channel="pagerduty",outcome="delivered"} 1');
  });
});
