/**
 * An indicator's course as a small line: the baseline on its date, each
 * measurement on its date, and the target as a level to reach by its date.
 * Positions are fractions (0–1) of the drawing, x by time and y by value,
 * so the chart is drawn at whatever width its container has.
 */

export interface Reading {
  on: string | null;
  value: number;
}

export interface Trend {
  /** x, y of the baseline then each dated reading, in time order. */
  points: [number, number][];
  /** y of the target. */
  target: number;
  /** x of the target date (1 when there is none). */
  targetAt: number;
}

const DAY = 86_400_000;
const time = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

/** Null when there is nothing to draw (no dated reading beside the baseline). */
export function trend(
  baseline: Reading | null,
  readings: Reading[],
  target: number,
  targetOn: string | null,
): Trend | null {
  const dated = [...(baseline ? [baseline] : []), ...readings]
    .filter((r): r is { on: string; value: number } => !!r.on && Number.isFinite(time(r.on)) && Number.isFinite(r.value))
    .sort((a, b) => time(a.on) - time(b.on));
  if (dated.length < 2 && !(dated.length === 1 && targetOn)) return null;
  const first = time(dated[0].on);
  const last = Math.max(time(dated[dated.length - 1].on), targetOn && Number.isFinite(time(targetOn)) ? time(targetOn) : 0);
  const span = Math.max(DAY, last - first);
  const values = [...dated.map((r) => r.value), target];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const range = high - low || 1;
  // y grows downwards in SVG: the highest value is at the top.
  const y = (v: number) => 1 - (v - low) / range;
  return {
    points: dated.map((r) => [(time(r.on) - first) / span, y(r.value)]),
    target: y(target),
    targetAt: targetOn && Number.isFinite(time(targetOn)) ? (time(targetOn) - first) / span : 1,
  };
}
