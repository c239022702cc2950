import { describe, expect, it } from 'vitest';
import { trend } from './trend';

describe('trend', () => {
  it('places readings by date and value, target included in the scale', () => {
    const t = trend({ on: '2026-01-01', value: 2 }, [{ on: '2026-07-02', value: 3 }], 4, '2026-12-31')!;
    expect(t.points).toHaveLength(2);
    expect(t.points[0]).toEqual([0, 1]);
    // Half a year in, halfway up from 2 to 4.
    expect(t.points[1][0]).toBeCloseTo(0.5, 2);
    expect(t.points[1][1]).toBeCloseTo(0.5, 5);
    expect(t.target).toBe(0);
    expect(t.targetAt).toBe(1);
  });

  it('orders readings by date and leaves out undated ones', () => {
    const t = trend(null, [{ on: '2026-03-01', value: 5 }, { on: null, value: 9 }, { on: '2026-01-01', value: 1 }], 5, null)!;
    expect(t.points.map((p) => p[0])).toEqual([0, 1]);
    expect(t.points[0][1]).toBe(1);
  });

  it('has nothing to draw without a second point in time', () => {
    expect(trend(null, [{ on: '2026-03-01', value: 5 }], 5, null)).toBeNull();
    expect(trend(null, [], 5, '2026-12-31')).toBeNull();
  });

  it('draws a flat course when every value is the same', () => {
    const t = trend({ on: '2026-01-01', value: 3 }, [{ on: '2026-02-01', value: 3 }], 3, null)!;
    expect(t.points.every(([, y]) => Number.isFinite(y))).toBe(true);
  });
});
