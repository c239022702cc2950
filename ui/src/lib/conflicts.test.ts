import { describe, expect, it } from 'vitest';
import { countByPhase, phaseOfField } from './conflicts';

describe('phaseOfField', () => {
  it('sends each kind to the page that edits it', () => {
    expect(phaseOfField('engagement', 'stakeholders/s1/influence')).toBe(1);
    expect(phaseOfField('assessment', 'responses/q1/current')).toBe(2);
    expect(phaseOfField('plan', 'outcomes/oc1/title')).toBe(3);
  });

  it('splits a monitoring document between implementation and monitoring', () => {
    expect(phaseOfField('monitoring', 'progress/u1/percent')).toBe(4);
    expect(phaseOfField('monitoring', 'trainings/t1/title')).toBe(4);
    expect(phaseOfField('monitoring', 'risk_reviews/r1/status')).toBe(4);
    expect(phaseOfField('monitoring', 'measurements/m1/value')).toBe(5);
    expect(phaseOfField('monitoring', 'evaluations/e1/findings')).toBe(5);
    expect(phaseOfField('monitoring', 'lessons/l1/text')).toBe(5);
  });
});

describe('countByPhase', () => {
  it('counts each conflict once, on its page', () => {
    const counts = countByPhase('monitoring', ['progress/a/percent', 'lessons/l/text', 'progress/b/spent']);
    expect(counts.get(4)).toBe(2);
    expect(counts.get(5)).toBe(1);
    expect(counts.get(3)).toBeUndefined();
  });
});
