/**
 * New list items, complete with their fresh ids, ready for an `insert` edit.
 * Defaults match the Rust model's, so what the UI inserts reads back unchanged.
 */
import type {
  Activity,
  ActivityType,
  BudgetLine,
  Donor,
  Evaluation,
  ExitItem,
  Handover,
  Recommendation,
  Milestone,
  RiskReview,
  CapacityArea,
  PriorityCriterion,
  CoreIssue,
  Indicator,
  Lesson,
  LogEntry,
  Measurement,
  Outcome,
  Output,
  ParticipantGroup,
  ProgressUpdate,
  QuestionGap,
  Risk,
  Stakeholder,
  Training,
} from './bindings';
import { newId } from './api';
import { CRITERIA } from './vocabulary';

export function stakeholder(name: string, id = newId()): Stakeholder {
  return {
    id,
    name,
    organisation: '',
    type: 'ministry',
    power: 2,
    interest: 2,
    stance: 'neutral',
    contact: '',
    notes: '',
  };
}

export function logEntry(date: string | null, summary: string, id = newId()): LogEntry {
  return { id, date, kind: 'meeting', stakeholder_ids: [], summary, follow_up: '' };
}

export function capacityArea(title: string, id = newId()): CapacityArea {
  return { id, title, description: '', level: null, core_issue: null, priority: 3, rationale: '' };
}

/** A prioritisation criterion, weighted 3 of 5 until the partner says otherwise. */
export function criterion(name: string, id = newId()): PriorityCriterion {
  return { id, name, weight: 3 };
}

export function outcome(statement: string, id = newId()): Outcome {
  return { id, statement, indicators: [], outputs: [], assumptions: '' };
}

export function output(statement: string, id = newId()): Output {
  return { id, statement, indicators: [], activities: [], assumptions: '' };
}

export function activity(title: string, id = newId()): Activity {
  return {
    id,
    title,
    description: '',
    type: 'training',
    level: null,
    core_issue: null,
    owner: '',
    starts_on: null,
    ends_on: null,
    budget: 0,
    status: 'planned',
    addresses: [],
    indicators: [],
    notes: '',
    horizon: null,
    budget_lines: [],
    funding_source: '',
  };
}

export function budgetLine(item: string, id = newId()): BudgetLine {
  return { id, item, amount: 0 };
}

export function donor(name: string, id = newId()): Donor {
  return { id, name, amount: 0, agreement: '' };
}

export function milestone(on: string | null, value: number, id = newId()): Milestone {
  return { id, on, value };
}

/** A review of `r` that starts from how the risk was last seen. */
export function riskReview(
  r: { risk_id: string; likelihood: Risk['likelihood']; impact: Risk['impact'] },
  date: string | null,
  id = newId(),
): RiskReview {
  return { id, risk_id: r.risk_id, date, likelihood: r.likelihood, impact: r.impact, status: 'open', action: '' };
}

export function indicator(name: string, id = newId()): Indicator {
  return {
    id,
    name,
    unit: '',
    direction: 'increase',
    baseline: 0,
    baseline_unknown: false,
    baseline_on: null,
    target: 0,
    target_on: null,
    means_of_verification: '',
    assumptions: '',
    milestones: [],
    frequency: null,
    responsible: '',
    collection_method: '',
    disaggregation: [],
    sustainability: false,
  };
}

export function risk(description: string, id = newId()): Risk {
  return { id, description, likelihood: 'medium', impact: 'medium', mitigation: '', owner: '' };
}

export function progressUpdate(activityId: string, date: string | null, id = newId()): ProgressUpdate {
  return {
    id,
    activity_id: activityId,
    date,
    status: 'in_progress',
    percent_complete: 0,
    spent: 0,
    narrative: '',
    outputs_delivered: '',
  };
}

export function measurement(indicatorId: string, date: string | null, value: number, id = newId()): Measurement {
  return { id, indicator_id: indicatorId, date, value, source: '', notes: '' };
}

export function training(title: string, activityId: string | null, id = newId()): Training {
  return {
    id,
    activity_id: activityId,
    title,
    starts_on: null,
    ends_on: null,
    location: '',
    participants: [],
    kirkpatrick: {
      reaction: null,
      pre_test: null,
      post_test: null,
      behaviour_notes: '',
      results_notes: '',
      follow_up_on: null,
      followed_up: null,
      applying: null,
    },
    notes: '',
    evaluation_id: null,
    trainers: 0,
    trained_by_trainers: 0,
  };
}

/** A group of participants; from the stakeholder register when `stakeholderId` is given. */
export function participantGroup(institution: string, stakeholderId: string | null = null, id = newId()): ParticipantGroup {
  return {
    id,
    institution,
    stakeholder_id: stakeholderId,
    sex: 'not_recorded',
    age_group: 'not_recorded',
    count: 0,
    pre_test: null,
    post_test: null,
  };
}

export function lesson(text: string, date: string | null, id = newId()): Lesson {
  return { id, date, criterion: null, lesson: text, phase: null, area: null };
}

export function evaluation(title: string, id = newId()): Evaluation {
  return {
    id,
    title,
    type: 'mid_term',
    evaluator: '',
    date: null,
    // Every criterion, unrated, so the evaluator fills a row each.
    ratings: CRITERIA.map((criterion) => ({ id: `${id}-${criterion}`, criterion, rating: null, evidence: '' })),
    findings: '',
    recommendations: [],
  };
}

export function recommendation(text: string, id = newId()): Recommendation {
  return { id, text, response: '', owner: '', due_on: null, status: 'planned' };
}

export function handover(item: string, id = newId()): Handover {
  return { id, item, recipient: '', stakeholder_id: null, date: null, signed_by: '', conditions: '' };
}

export function exitItem(text: string, id = newId()): ExitItem {
  return { id, text, done: false };
}

/**
 * The usual first lever for a gap, by core issue (DOMAIN.md: institutional
 * arrangements → mandates and coordination, leadership → joint visioning and
 * planning, knowledge → training, accountability → participatory monitoring).
 * A starting point the officer changes freely.
 */
export const LEVER: Record<CoreIssue, ActivityType> = {
  institutional_arrangements: 'institutional_reform',
  leadership: 'policy_legal_advice',
  knowledge: 'training',
  accountability: 'coordination_mechanism',
};

/** What a gap-derived indicator needs beyond the gap: its dates and words in the reader's language. */
export interface GapIndicatorContext {
  /** When the baseline assessment was done. */
  baselineOn: string | null;
  /** When the plan ends: the re-assessment that measures the target. */
  targetOn: string | null;
  /** The scale, e.g. "rating, 1–5". */
  unit: string;
  verification: string;
  method: string;
  responsible: string;
}

/**
 * "Address this gap": an activity linked to the gap, with an indicator whose
 * baseline and target are the gap's existing and desired ratings, measured by
 * re-assessing with the same instrument at mid-term and at the plan's end.
 * A question nobody rated yet gives an unknown baseline, not a baseline of 0.
 */
export function activityForGap(
  gap: QuestionGap,
  assessmentId: string,
  title: string,
  indicatorName: string,
  context: GapIndicatorContext,
  ids: { activity?: string; link?: string; indicator?: string } = {},
): Activity {
  const a = activity(title, ids.activity ?? newId());
  a.type = gap.core_issue ? LEVER[gap.core_issue] : 'training';
  a.level = gap.level;
  a.core_issue = gap.core_issue;
  a.addresses = [{ id: ids.link ?? newId(), assessment_id: assessmentId, question_id: gap.question_id }];
  const i = indicator(indicatorName, ids.indicator ?? newId());
  i.baseline = gap.existing ?? 0;
  i.baseline_unknown = gap.existing === null;
  i.baseline_on = context.baselineOn;
  i.target = gap.desired ?? 0;
  i.target_on = context.targetOn;
  i.unit = context.unit;
  i.means_of_verification = context.verification;
  i.collection_method = context.method;
  i.responsible = context.responsible;
  i.frequency = 'mid_and_end_of_plan';
  a.indicators = [i];
  return a;
}

/** Whether some activity of the plan addresses the gap (a question of an assessment). */
export function isAddressed(activities: Activity[], assessmentId: string, questionId: string): boolean {
  return activities.some((a) =>
    a.addresses.some((g) => g.assessment_id === assessmentId && g.question_id === questionId),
  );
}
