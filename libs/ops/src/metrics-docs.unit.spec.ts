import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OarsMetrics } from './oars-metrics';

const ROOT = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const documented = new Set([...read('docs/metrics.md').matchAll(/`(oars_[a-z0-9_]+)`/g)].map((m) => m[1]!));
const family = (name: string) => name.replace(/_(bucket|count|sum)$/, '');
const isDocumented = (name: string) => documented.has(name) || documented.has(family(name)) || name.startsWith('oars_process_');

describe('metric names', () => {
  it('documents every metric OarsMetrics registers', async () => {
    const names = (await new OarsMetrics({ appendQueueDepth: () => 0, projectorLagEvents: () => 0 }).registry.getMetricsAsJSON()).map((m) => m.name);
    const opsGauges = [...read('libs/ops/src/oars-metrics.ts').matchAll(/gauge\('(oars_[a-z0-9_]+)'/g)].map((m) => m[1]!);
    expect(opsGauges.length).toBeGreaterThan(5);
    expect([...names, ...opsGauges].filter((n) => !isDocumented(n))).toEqual([]);
  });

  it('uses only documented metrics in the Grafana dashboard and the alert rules', () => {
    const dashboard = JSON.parse(read('docker/grafana-dashboard.json')) as { panels: Array<{ type: string; targets?: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.filter((p) => p.type !== 'row').flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(20);
    const rules = read('docker/prometheus-alerts.yml');
    const used = [...[...exprs, rules].join('\n').matchAll(/\b(oars_[a-z0-9_]+)/g)].map((m) => m[1]!);
    expect([...new Set(used)].filter((n) => !isDocumented(n))).toEqual([]);
  });

  it('gives every alert rule an expression and a severity', () => {
    const blocks = read('docker/prometheus-alerts.yml').split(/\n\s+- alert: /).slice(1);
    expect(blocks.length).toBeGreaterThan(15);
    for (const block of blocks) {
      expect(block).toMatch(/\n\s+expr: /);
      expect(block).toMatch(/severity: (page|ticket)/);
    }
  });
});
