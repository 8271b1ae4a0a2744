import { WakeableSleep } from './wakeable-sleep';

describe('WakeableSleep', () => {
  it('ends a long sleep at wake(), and a wake() with nobody asleep is not kept for the next sleep', async () => {
    const alarm = new WakeableSleep();
    const order: string[] = [];
    const long = alarm.sleep(60_000).then(() => order.push('woken'));
    setImmediate(() => {
      order.push('wake');
      alarm.wake();
    });
    await long;
    expect(order).toEqual(['wake', 'woken']);
    alarm.wake(); // nobody asleep
    const short = alarm.sleep(20).then(() => 'timer');
    const raced = await Promise.race([short, new Promise((r) => setImmediate(() => r('still asleep')))]);
    expect(raced).toBe('still asleep');
    expect(await short).toBe('timer');
  });

  it('does not sleep for zero or negative times', async () => {
    const alarm = new WakeableSleep();
    await expect(Promise.race([alarm.sleep(0).then(() => 'done'), new Promise((r) => setImmediate(() => r('pending')))])).resolves.toBe('done');
    await expect(Promise.race([alarm.sleep(-5).then(() => 'done'), new Promise((r) => setImmediate(() => r('pending')))])).resolves.toBe('done');
  });
});
