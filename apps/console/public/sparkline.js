// Small inline SVG line charts drawn from the console's own periodic samples.

import { svg } from './dom.js';

const WIDTH = 240;
const HEIGHT = 48;
const PAD = 3;

/**
 * A sparkline of `values` (oldest first, null = no sample). The y axis starts at 0 and ends at
 * `max` or the largest value, so equal values look equal across ticks.
 */
export function sparkline(values, { label, max } = {}) {
  const present = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  const top = Math.max(max ?? 0, ...present, 1e-9);
  const slots = Math.max(values.length - 1, 1);
  const x = (i) => PAD + ((WIDTH - 2 * PAD) * i) / slots;
  const y = (v) => HEIGHT - PAD - ((HEIGHT - 2 * PAD) * v) / top;
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'sparkline', role: 'img', 'aria-label': label, preserveAspectRatio: 'none' });
  chart.append(svg('line', { x1: PAD, x2: WIDTH - PAD, y1: HEIGHT - PAD, y2: HEIGHT - PAD, class: 'axis' }));
  // Consecutive samples form segments; a missing sample breaks the line instead of faking a value.
  let segment = [];
  const flush = () => {
    if (segment.length > 1) chart.append(svg('polyline', { points: segment.join(' '), class: 'line' }));
    if (segment.length === 1) {
      const [cx, cy] = segment[0].split(',');
      chart.append(svg('circle', { cx, cy, r: 1.8, class: 'dot' }));
    }
    segment = [];
  };
  values.forEach((v, i) => {
    if (typeof v === 'number' && Number.isFinite(v)) segment.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    else flush();
  });
  flush();
  return chart;
}
