import type { Runtime } from '@oars/runtime';
import { until } from './until';

/**
 * Waits until the reactions to what a test did have landed: every reactor of the process has
 * handled the tenants' streams to their heads, the read models reflect the heads, and the heads
 * stay put across two looks (an alert opens an incident, an integrity finding raises an alert: each
 * appends after the request that caused it answered). Exact counts are asserted after this.
 */
export async function settled(runtime: Runtime, tenantIds: readonly string[], timeoutMs = 30_000): Promise<void> {
  const heads = async () => Promise.all(tenantIds.map(async (t) => (await runtime.store.head(t)).sequence));
  let last: number[] = [];
  await until(
    'the reactions to settle',
    async () => {
      const now = await heads();
      for (const [i, t] of tenantIds.entries()) if (!(await runtime.waitForPosition(t, now[i]!))) return false;
      const idle = (runtime.reactors?.statuses() ?? []).every((s) => !s.leased || s.lagEvents === 0);
      const stable = idle && now.length === last.length && now.every((h, i) => h === last[i]);
      last = now;
      return stable;
    },
    timeoutMs,
    150,
  );
}
