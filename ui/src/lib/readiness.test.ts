import { describe, expect, it } from 'vitest';
import type { Assessment, Engagement, Monitoring, Plan } from './bindings';
import { activity, activityForGap, indicator, lesson, logEntry, measurement, progressUpdate, stakeholder } from './edits';
import { readiness, unrated, type WorkspaceContent } from './readiness';

const engagement = (over: Partial<Engagement> = {}): Engagement => ({
  title: 'E',
  country: '',
  partner_institution: '',
  area: null,
  context: '',
  scope: { why: '', for_whom: '', for_what: '', agreed_on: null },
  phases: { engagement: 'in_progress', assessment: 'not_started', response: 'not_started', implementation: 'not_started', monitoring: 'not_started' },
  stakeholders: [],
  log: [],
  capacity_areas: [],
  team: [],
  prioritisation: { criteria: [], scores: {} },
  previous_workspace: null,
  ...over,
});

const assessment = (over: Partial<Assessment> = {}): Assessment => ({
  title: 'A',
  template: null,
  template_translations: '',
  capacity_area_ids: [],
  method: 'self_assessment_workshop',
  entry_level: null,
  started_on: null,
  completed_on: null,
  baseline_id: null,
  participants: [],
  responses: {
    q1: { existing: 2, desired: 4, evidence: '', confidence: null, priority: 3, comment: '' },
    q2: { existing: null, desired: 4, evidence: '', confidence: null, priority: 3, comment: '' },
  },
  validation: 'draft',
  validated_on: null,
  validated_by: '',
  findings: '',
  validation_record: null,
  design: null,
  ...over,
});

const plan = (activities = [activity('A')]): Plan => ({
  title: 'P',
  assessment_ids: [],
  starts_on: null,
  ends_on: null,
  currency: 'USD',
  objective: { statement: '', indicators: [] },
  outcomes: [{ id: 'oc', statement: '', indicators: [], outputs: [{ id: 'op', statement: '', indicators: [], activities, assumptions: '' }], assumptions: '' }],
  risks: [],
  assumptions: '',
  sustainability: '',
  donors: [],
  government_contribution: 0,
  government_contribution_note: '',
  handover: [],
  exit_checklist: [],
});

const monitoring = (over: Partial<Monitoring> = {}): Monitoring => ({
  title: 'M',
  plan_id: 'p',
  starts_on: null,
  ends_on: null,
  progress: [],
  measurements: [],
  trainings: [],
  issues: [],
  lessons: [],
  risk_reviews: [],
  evaluations: [],
  ...over,
});

const needs = (w: WorkspaceContent, phase: number) => readiness(w).find((p) => p.phase === phase)!.needs.map((n) => n.key);

describe('what each phase still needs', () => {
  it('asks for everything in an empty workspace', () => {
    const empty: WorkspaceContent = { engagement: null, assessments: [], plans: [], monitoring: [] };
    const r = readiness(empty);
    expect(r.map((p) => p.state)).toEqual(['not_started', 'not_started', 'not_started', 'not_started', 'not_started']);
    expect(needs(empty, 1)).toEqual(['needs.engagement']);
    expect(needs(empty, 2)).toEqual(['needs.assessment']);
    expect(needs(empty, 5)).toEqual(['needs.measurements', 'needs.reassessment', 'needs.lessons']);
  });

  it('phase 1 is complete with stakeholders, scope, areas and a log entry', () => {
    const e = engagement({
      stakeholders: [stakeholder('S')],
      scope: { why: 'w', for_whom: 'f', for_what: 'x', agreed_on: null },
      capacity_areas: [{ id: 'c', title: 'C', description: '', level: null, core_issue: null, priority: 3, rationale: '' }],
      log: [logEntry('2026-01-01', 'met')],
    });
    const w: WorkspaceContent = { engagement: e, assessments: [], plans: [], monitoring: [] };
    expect(needs(w, 1)).toEqual([]);
    expect(readiness(w)[0].state).toBe('in_progress');
  });

  it('phase 2 counts unrated questions and asks for validation', () => {
    const w: WorkspaceContent = { engagement: engagement(), assessments: [{ id: 'a', value: assessment() }], plans: [], monitoring: [] };
    expect(unrated(assessment())).toBe(1);
    const two = readiness(w)[1].needs;
    expect(two).toEqual([{ key: 'needs.ratings', count: 1 }, { key: 'needs.validation' }]);
  });

  it('a re-assessment does not count as the baseline, but completes phase 5', () => {
    const w: WorkspaceContent = {
      engagement: engagement(),
      assessments: [{ id: 'r', value: assessment({ baseline_id: 'a' }) }],
      plans: [],
      monitoring: [],
    };
    expect(needs(w, 2)).toEqual(['needs.assessment']);
    expect(needs(w, 5)).not.toContain('needs.reassessment');
  });

  it('phase 3 wants activities linked to gaps, indicators and a budget', () => {
    const unlinked: WorkspaceContent = { engagement: engagement(), assessments: [], plans: [{ id: 'p', value: plan() }], monitoring: [] };
    expect(needs(unlinked, 3)).toEqual(['needs.gapLinks', 'needs.indicators', 'needs.budget']);
    const linked = activityForGap(
      { question_id: 'q1', section_id: 's', level: null, core_issue: null, functional_capacity: null, existing: 2, desired: 4, gap: 2, priority: 3 },
      'a',
      'T',
      'I',
      { baselineOn: null, targetOn: null, unit: '', verification: '', method: '', responsible: '' },
    );
    linked.budget = 100;
    const ready: WorkspaceContent = { ...unlinked, plans: [{ id: 'p', value: plan([linked]) }] };
    expect(needs(ready, 3)).toEqual([]);
  });

  it('phases 4 and 5 follow the monitoring records', () => {
    const m = monitoring({
      progress: [progressUpdate('a', '2026-02-01')],
      measurements: [measurement('i', '2026-02-01', 3)],
      lessons: [lesson('L', null)],
    });
    const w: WorkspaceContent = { engagement: engagement(), assessments: [], plans: [], monitoring: [{ id: 'm', value: m }] };
    expect(needs(w, 4)).toEqual([]);
    expect(needs(w, 5)).toEqual(['needs.reassessment']);
    const bare: WorkspaceContent = { ...w, monitoring: [{ id: 'm', value: monitoring() }] };
    expect(needs(bare, 4)).toEqual(['needs.progress']);
    expect(indicator('x').direction).toBe('increase');
  });
});
