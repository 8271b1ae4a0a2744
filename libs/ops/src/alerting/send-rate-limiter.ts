/**
 * A token bucket per channel (PagerDuty: per routing key) with reservations: `reserve(now)` books
 * the next send slot and answers when it is (now, or later once the bucket is empty), so deliveries
 * that find the bucket empty are spread over distinct slots instead of all coming back at once.
 * It holds `burst` sends (default 10 seconds' worth) and refills at `perMinute`; 0 is no limit.
 * In memory, per process: one instance runs the delivery reactor (its lease).
 */
export class SendRateLimiter {
  private tokens: number;
  private updatedAt: number;
  readonly burst: number;

  constructor(readonly perMinute: number, now: number, burst?: number) {
    this.burst = Math.max(1, burst ?? Math.ceil(perMinute / 6));
    this.tokens = this.burst;
    this.updatedAt = now;
  }

  /** Books one send: the epoch ms it may go at. */
  reserve(now: number): number {
    if (this.perMinute <= 0) return now;
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.updatedAt) * this.perMinute) / 60_000);
    this.updatedAt = Math.max(this.updatedAt, now);
    this.tokens -= 1;
    return this.tokens >= 0 ? now : now + Math.ceil((-this.tokens * 60_000) / this.perMinute);
  }
}
