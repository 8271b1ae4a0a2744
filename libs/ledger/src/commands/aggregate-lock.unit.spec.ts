import { AggregateLock, aggregateLockOf } from './aggregate-lock';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('AggregateLock', () => {
  it('runs holders of one key one after the other, in arrival order', async () => {
    const lock = new AggregateLock();
    const order: string[] = [];
    const first = gate();
    const a = lock.run(['k'], async () => {
      order.push('a:start');
      await first.opened;
      order.push('a:end');
    });
    const b = lock.run(['k'], async () => order.push('b'));
    await Promise.resolve();
    expect(order).toEqual(['a:start']);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a:start', 'a:end', 'b']);
  });

  it('lets holders of other keys run meanwhile, and never deadlocks on overlapping key sets', async () => {
    const lock = new AggregateLock();
    const held = gate();
    const slow = lock.run(['x', 'y'], () => held.opened);
    expect(await lock.run(['z'], async () => 'free')).toBe('free');
    const crossed = Promise.all([lock.run(['y', 'x'], async () => 1), lock.run(['x'], async () => 2), lock.run(['y', 'z'], async () => 3)]);
    held.open();
    await slow;
    expect(await crossed).toEqual([1, 2, 3]);
  });

  it('releases the key when the holder throws', async () => {
    const lock = new AggregateLock();
    await expect(lock.run(['k'], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run(['k'], async () => 'next')).toBe('next');
  });

  it('shares one lock per writer object', () => {
    const writer = {};
    expect(aggregateLockOf(writer)).toBe(aggregateLockOf(writer));
    expect(aggregateLockOf(writer)).not.toBe(aggregateLockOf({}));
  });
});
