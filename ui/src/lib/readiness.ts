/**
 * What each of the five phases still needs, derived from the workspace's
 * documents. The phase *state* is what the team decided (stored in the
 * engagement); the needs are hints, so a team can mark a phase done anyway.
 */
import type { Activity, Assessment, Engagement, Monitoring, PhaseState, Phases, Plan } from './bindings';
import type { PhaseNumber } from './router';

export interface Held<T> {
  id: string;
  value: T;
}

export interface WorkspaceContent {
  engagement: Engagement | null;
  assessments: Held<Assessment>[];
  plans: Held<Plan>[];
  monitoring: Held<Monitoring>[];
}

/** A missing piece, as a message key of `needs.*` with its count when it has one. */
export interface Need {
  key:
    | 'needs.engagement'
    | 'needs.stakeholders'
    | 'needs.scope'
    | 'needs.capacityAreas'
    | 'needs.log'
    | 'needs.assessment'
    | 'needs.ratings'
    | 'needs.validation'
    | 'needs.plan'
    | 'needs.activities'
    | 'needs.gapLinks'
    | 'needs.indicators'
    | 'needs.budget'
    | 'needs.monitoring'
    | 'needs.progress'
    | 'needs.measurements'
    | 'needs.reassessment'
    | 'needs.lessons';
  count?: number;
}

export interface PhaseReadiness {
  phase: PhaseNumber;
  key: keyof Phases;
  state: PhaseState;
  needs: Need[];
}

export const PHASE_KEYS: Record<PhaseNumber, keyof Phases> = {
  1: 'engagement',
  2: 'assessment',
  3: 'response',
  4: 'implementation',
  5: 'monitoring',
};

/** What an activity costs: its budget lines when it has any, else its budget (`Activity::cost` in the core). */
export function activityCost(a: Activity): number {
  return a.budget_lines.length === 0 ? a.budget : a.budget_lines.reduce((n, l) => n + l.amount, 0);
}

export function activitiesOf(plan: Plan) {
  return plan.outcomes.flatMap((oc) => oc.outputs.flatMap((op) => op.activities));
}

/** Questions of an assessment that lack an existing or a desired rating. */
export function unrated(a: Assessment): number {
  return Object.values(a.responses).filter((r) => r.existing === null || r.desired === null).length;
}

export function readiness(w: WorkspaceContent): PhaseReadiness[] {
  const e = w.engagement;
  const state = (n: PhaseNumber): PhaseState => e?.phases[PHASE_KEYS[n]] ?? 'not_started';
  const baselines = w.assessments.filter((a) => !a.value.baseline_id);
  const reassessments = w.assessments.filter((a) => a.value.baseline_id);
  const activities = w.plans.flatMap((p) => activitiesOf(p.value));
  const indicators = w.plans.flatMap((p) => [
    ...p.value.objective.indicators,
    ...p.value.outcomes.flatMap((oc) => [
      ...oc.indicators,
      ...oc.outputs.flatMap((op) => [...op.indicators, ...op.activities.flatMap((a) => a.indicators)]),
    ]),
  ]);

  const one: Need[] = [];
  if (!e) one.push({ key: 'needs.engagement' });
  else {
    if (e.stakeholders.length === 0) one.push({ key: 'needs.stakeholders' });
    if (!e.scope.why.trim() || !e.scope.for_whom.trim() || !e.scope.for_what.trim()) one.push({ key: 'needs.scope' });
    if (e.capacity_areas.length === 0) one.push({ key: 'needs.capacityAreas' });
    if (e.log.length === 0) one.push({ key: 'needs.log' });
  }

  const two: Need[] = [];
  if (baselines.length === 0) two.push({ key: 'needs.assessment' });
  else {
    const missing = baselines.reduce((n, a) => n + unrated(a.value), 0);
    if (missing > 0) two.push({ key: 'needs.ratings', count: missing });
    if (!baselines.some((a) => a.value.validation === 'validated')) two.push({ key: 'needs.validation' });
  }

  const three: Need[] = [];
  if (w.plans.length === 0) three.push({ key: 'needs.plan' });
  else {
    if (activities.length === 0) three.push({ key: 'needs.activities' });
    else if (!activities.some((a) => a.addresses.length > 0)) three.push({ key: 'needs.gapLinks' });
    if (indicators.length === 0) three.push({ key: 'needs.indicators' });
    if (activities.length > 0 && activities.every((a) => a.budget === 0)) three.push({ key: 'needs.budget' });
  }

  const four: Need[] = [];
  if (w.monitoring.length === 0) four.push({ key: 'needs.monitoring' });
  else if (!w.monitoring.some((m) => m.value.progress.length > 0)) four.push({ key: 'needs.progress' });

  const five: Need[] = [];
  if (!w.monitoring.some((m) => m.value.measurements.length > 0)) five.push({ key: 'needs.measurements' });
  if (reassessments.length === 0) five.push({ key: 'needs.reassessment' });
  if (!w.monitoring.some((m) => m.value.lessons.length > 0)) five.push({ key: 'needs.lessons' });

  const needs = [one, two, three, four, five];
  return ([1, 2, 3, 4, 5] as PhaseNumber[]).map((n) => ({
    phase: n,
    key: PHASE_KEYS[n],
    state: state(n),
    needs: needs[n - 1],
  }));
}
