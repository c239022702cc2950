import { describe, expect, it } from 'vitest';
import { quadrant, ratingAt, stepRating } from './grid';

describe('the power/interest grid', () => {
  it('places stakeholders in the quadrant the core would', () => {
    // The same cases as `quadrants_follow_the_grid` in crates/core/src/engagement.rs.
    expect(quadrant(4, 4)).toBe('manage_closely');
    expect(quadrant(3, 1)).toBe('keep_satisfied');
    expect(quadrant(2, 3)).toBe('keep_informed');
    expect(quadrant(1, 2)).toBe('monitor');
  });

  it('turns a drop point into ratings: left is low interest, top is high power', () => {
    expect(ratingAt(0, 0)).toEqual({ interest: 1, power: 4 });
    expect(ratingAt(0.99, 0.99)).toEqual({ interest: 4, power: 1 });
    expect(ratingAt(0.6, 0.4)).toEqual({ interest: 3, power: 3 });
    expect(ratingAt(-1, 2)).toEqual({ interest: 1, power: 1 });
  });

  it('moves with the arrow keys and stops at the edges', () => {
    expect(stepRating('ArrowUp', { power: 2, interest: 2 })).toEqual({ power: 3, interest: 2 });
    expect(stepRating('ArrowUp', { power: 4, interest: 2 })).toEqual({ power: 4, interest: 2 });
    expect(stepRating('ArrowLeft', { power: 2, interest: 1 })).toEqual({ power: 2, interest: 1 });
    expect(stepRating('Enter', { power: 2, interest: 2 })).toBeNull();
  });
});
