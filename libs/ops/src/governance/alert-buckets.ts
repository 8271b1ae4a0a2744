/**
 * The start (ISO) of the `bucketMs` period `now` falls in. Alerts of conditions that last (a spike,
 * a burn) take it into their id: re-evaluating the same condition within one period raises the same
 * alert, and a condition still there in the next period raises one more (grouped into the same open
 * incident).
 */
export function alertBucketOf(now: Date, bucketMs: number): string {
  const ms = now.getTime();
  return new Date(ms - (ms % bucketMs)).toISOString();
}
