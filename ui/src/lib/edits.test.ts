import { describe, expect, it } from 'vitest';
import type { QuestionGap } from './bindings';
import { activity, activityForGap, isAddressed, stakeholder } from './edits';

const gap: QuestionGap = {
  question_id: 'adm_training',
  section_id: 'administration',
  level: 'organisation',
  core_issue: 'knowledge',
  functional_capacity: 'budget_manage_implement',
  existing: 2,
  desired: 5,
  gap: 3,
  priority: 4,
};

describe('new items', () => {
  it('carry a fresh id each and the model defaults', () => {
    const a = stakeholder('Ministry of Labour');
    const b = stakeholder('Ministry of Labour');
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ power: 2, interest: 2, stance: 'neutral', type: 'ministry' });
    expect(activity('Training').budget).toBe(0);
  });
});

describe('address this gap', () => {
  const context = {
    baselineOn: '2026-02-10',
    targetOn: '2027-06-30',
    unit: 'rating, 1–5',
    verification: 'Re-assessment with the same questionnaire',
    method: 'Self-assessment workshop',
    responsible: 'M&E officer',
  };
  const a = activityForGap(gap, 'baseline', 'Close the gap', 'Rating', context, { activity: 'a1', link: 'g1', indicator: 'i1' });

  it('links the activity to the gap it answers', () => {
    expect(a.addresses).toEqual([{ id: 'g1', assessment_id: 'baseline', question_id: 'adm_training' }]);
    expect(a.level).toBe('organisation');
    expect(a.core_issue).toBe('knowledge');
  });

  it('picks the usual lever for the core issue', () => {
    expect(a.type).toBe('training');
    expect(activityForGap({ ...gap, core_issue: 'institutional_arrangements' }, 'b', 't', 'i', context).type).toBe('institutional_reform');
  });

  it('measures progress from the existing rating to the desired one', () => {
    expect(a.indicators).toHaveLength(1);
    expect(a.indicators[0]).toMatchObject({ id: 'i1', baseline: 2, target: 5, baseline_unknown: false });
  });

  it('comes out complete: dates, unit, means of verification, method, who and how often', () => {
    expect(a.indicators[0]).toMatchObject({
      baseline_on: '2026-02-10',
      target_on: '2027-06-30',
      unit: 'rating, 1–5',
      means_of_verification: 'Re-assessment with the same questionnaire',
      collection_method: 'Self-assessment workshop',
      responsible: 'M&E officer',
      frequency: 'mid_and_end_of_plan',
    });
  });

  it('leaves a baseline nobody rated unknown rather than zero', () => {
    const unrated = activityForGap({ ...gap, existing: null }, 'b', 't', 'i', context);
    expect(unrated.indicators[0].baseline_unknown).toBe(true);
  });

  it('shows the gap as addressed once the activity exists', () => {
    expect(isAddressed([a], 'baseline', 'adm_training')).toBe(true);
    expect(isAddressed([a], 'reassessment', 'adm_training')).toBe(false);
    expect(isAddressed([], 'baseline', 'adm_training')).toBe(false);
  });
});
