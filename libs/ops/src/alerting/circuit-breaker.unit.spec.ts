import { CircuitBreaker } from './circuit-breaker';

const breaker = (failures = 3) => new CircuitBreaker({ failures, cooldownMs: 1000, maxCooldownMs: 4000, probeTimeoutMs: 500 });

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures; a success in between starts the count again', () => {
    const b = breaker();
    expect([b.failed(0, false), b.failed(0, false)]).toEqual([false, false]);
    b.succeeded();
    expect([b.failed(0, false), b.failed(0, false), b.failed(10, false)]).toEqual([false, false, true]);
    expect(b.state).toBe('open');
    expect(b.admit(500)).toEqual({ go: false, until: 1010 });
  });

  it('lets exactly one probe through after the cooldown; its success closes it', () => {
    const b = breaker(1);
    b.failed(0, false);
    expect(b.admit(1000)).toEqual({ go: true, probe: true });
    expect(b.state).toBe('half_open');
    expect(b.admit(1100)).toEqual({ go: false, until: 1500 });
    expect(b.succeeded()).toBe(true);
    expect(b.admit(1100)).toEqual({ go: true, probe: false });
    expect(b.succeeded()).toBe(false);
  });

  it('a failed probe opens it again for twice as long, up to the maximum', () => {
    const b = breaker(1);
    b.failed(0, false);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 4; i++) {
      now = b.nextProbeAt()!;
      expect(b.admit(now)).toEqual({ go: true, probe: true });
      b.failed(now, true);
      waits.push(b.nextProbeAt()! - now);
    }
    expect(waits).toEqual([2000, 4000, 4000, 4000]);
  });

  it('lets another probe through when one never reported (its task died)', () => {
    const b = breaker(1);
    b.failed(0, false);
    expect(b.admit(1000)).toMatchObject({ probe: true });
    expect(b.admit(1499)).toMatchObject({ go: false });
    expect(b.admit(1500)).toEqual({ go: true, probe: true });
  });

  it('never opens with a threshold of 0', () => {
    const b = breaker(0);
    for (let i = 0; i < 100; i++) b.failed(i, false);
    expect(b.state).toBe('closed');
  });
});
