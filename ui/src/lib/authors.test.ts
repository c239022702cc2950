import { describe, expect, it } from 'vitest';

import { namesOf } from './authors';

describe('namesOf', () => {
  it('keeps actor → name pairs', () => {
    expect(namesOf({ ab12: 'officer', cd34: 'counterpart' })).toEqual({ ab12: 'officer', cd34: 'counterpart' });
  });
  it('names nobody from a hostile or broken answer', () => {
    expect(namesOf(null)).toEqual({});
    expect(namesOf(['officer'])).toEqual({});
    expect(namesOf('officer')).toEqual({});
    expect(namesOf({ '__proto__x': 'a', 'not hex': 'b', ab: 7, cd: '', ef: 'x'.repeat(101) })).toEqual({});
  });
});
