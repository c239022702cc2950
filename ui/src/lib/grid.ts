/**
 * The power/interest grid (Mendelow). Power and interest run 1 to `GRID_MAX`,
 * an even scale, so every stakeholder sits clearly in one quadrant; the
 * quadrant of each pair of ratings is generated from the core's rule
 * (`QUADRANT_OF`).
 */
import { GRID_MAX, QUADRANT_OF, type Quadrant } from './bindings';

export { GRID_MAX, type Quadrant };

export function quadrant(power: number, interest: number): Quadrant {
  return QUADRANT_OF[clampRating(power) - 1][clampRating(interest) - 1];
}

export function clampRating(value: number): number {
  return Math.min(GRID_MAX, Math.max(1, Math.round(value)));
}

/**
 * Where a point dropped on the grid lands: x is interest (left low), y is power
 * (top high); both as fractions 0–1 of the grid's width and height.
 */
export function ratingAt(x: number, y: number): { power: number; interest: number } {
  const cell = (f: number) => clampRating(Math.floor(Math.min(0.9999, Math.max(0, f)) * GRID_MAX) + 1);
  return { interest: cell(x), power: cell(1 - y) };
}

/** The keyboard on a grid marker: arrows move one step in power or interest. */
export function stepRating(
  key: string,
  current: { power: number; interest: number },
): { power: number; interest: number } | null {
  switch (key) {
    case 'ArrowUp':
      return { ...current, power: clampRating(current.power + 1) };
    case 'ArrowDown':
      return { ...current, power: clampRating(current.power - 1) };
    case 'ArrowRight':
      return { ...current, interest: clampRating(current.interest + 1) };
    case 'ArrowLeft':
      return { ...current, interest: clampRating(current.interest - 1) };
    default:
      return null;
  }
}
