import { ChannelGate, type GatedDelivery } from './channel-gate';
import { SendRateLimiter } from './send-rate-limiter';

const gate = (perMinute = 0) => new ChannelGate('hook', new SendRateLimiter(perMinute, 0), { failures: 2, cooldownMs: 1000, maxCooldownMs: 8000, probeTimeoutMs: 500 }, 60_000);
const delivery = (key: string): GatedDelivery => ({ stream: 't', key, wake: async () => undefined });

describe('ChannelGate', () => {
  it('holds due deliveries while the breaker is open: the first waits for the probe, the others for their fallback', () => {
    const g = gate();
    g.report(0, 'down', false);
    g.report(0, 'down', false);
    expect(g.admit(delivery('a'), 100, null)).toEqual({ go: false, until: 1000, reason: 'circuit_open', payload: null });
    expect(g.admit(delivery('b'), 100, null)).toEqual({ go: false, until: 60_100, reason: 'circuit_open', payload: null });
    expect(g.heldCount).toBe(2);
    expect(g.admit(delivery('a'), 1000, null)).toEqual({ go: true, probe: true });
    expect(g.heldCount).toBe(1);
  });

  it("wakes every held delivery when the probe succeeds, each at its own send slot when rate limited", () => {
    const g = gate(60); // burst 10
    g.report(0, 'down', false);
    g.report(0, 'down', false);
    for (const key of ['p', ...Array.from({ length: 12 }, (_, i) => `d${i}`)]) g.admit(delivery(key), 10, null);
    expect(g.admit(delivery('p'), 1000, null)).toEqual({ go: true, probe: true });
    const { wake } = g.report(1000, 'up', true);
    expect(wake.map((w) => w.delivery.key)).toEqual(Array.from({ length: 12 }, (_, i) => `d${i}`));
    expect(wake.map((w) => w.at)).toEqual([...Array(10).fill(1000), 2000, 3000]);
    expect(wake[11]!.payload).toEqual({ slotAt: 3000 });
    expect(g.heldCount).toBe(0);
    // A woken delivery with a booked slot is not limited again.
    expect(g.admit(wake[11]!.delivery, 3000, wake[11]!.payload)).toEqual({ go: true, probe: false });
  });

  it('hands the probe to the next held delivery when a probe fails', () => {
    const g = gate();
    g.report(0, 'down', false);
    g.report(0, 'down', false);
    g.admit(delivery('a'), 10, null);
    g.admit(delivery('b'), 10, null);
    expect(g.admit(delivery('a'), 1000, null)).toMatchObject({ probe: true });
    const { wake } = g.report(1000, 'down', true);
    expect(wake).toEqual([{ delivery: expect.objectContaining({ key: 'b' }), at: 3000, payload: null }]);
  });

  it('moves the delivery waiting for the probe to the new probe time when a probe by another fails', () => {
    const g = gate();
    g.report(0, 'down', false);
    g.report(0, 'down', false);
    expect(g.admit(delivery('retry'), 1000, null)).toEqual({ go: true, probe: true }); // a retry's timer took the probe
    expect(g.admit(delivery('waiting'), 1001, null)).toEqual({ go: false, until: 1500, reason: 'circuit_open', payload: null }); // until the probe times out
    g.admit(delivery('later'), 1002, null);
    const { wake } = g.report(1010, 'down', true);
    expect(wake).toEqual([{ delivery: expect.objectContaining({ key: 'waiting' }), at: 3010, payload: null }]);
  });

  it('defers by the rate limit with the booked slot in the timer payload', () => {
    const g = gate(6); // burst 1
    expect(g.admit(delivery('a'), 0, null)).toEqual({ go: true, probe: false });
    expect(g.admit(delivery('b'), 0, null)).toEqual({ go: false, until: 10_000, reason: 'rate_limited', payload: { slotAt: 10_000 } });
    expect(g.admit(delivery('b'), 10_000, { slotAt: 10_000 })).toEqual({ go: true, probe: false });
  });
});
