/**
 * Reading a document's history: what each change did, in the words of the
 * page that shows it. The core describes a change by its edit (`set
 * outcomes/oc1/outputs/op1/activities/a7/budget`); this turns it into "Budget
 * of *SOP development*", naming fields as the forms do and items by their
 * titles in the document as it is now, and never shows a path or an id.
 */
import type { HistoryEntry, JsonValue } from './bindings';
import en, { type MessageKey } from './i18n/en';
import { clip } from './format';
import { isObject } from './paths';

export type Verb = 'set' | 'add' | 'remove' | 'move' | 'create' | 'upgrade' | 'other';

export interface ChangeDescription {
  verb: Verb;
  /** The edit's path (for grouping and links; never shown). */
  path: string;
}

/** `set outcomes/oc1/title` → set, `outcomes/oc1/title` (see `Edit::describe` in the core). */
export function describeChange(summary: string): ChangeDescription {
  const text = summary.trim();
  const m = /^(set|add|remove|move) (.+)$/.exec(text);
  if (m) return { verb: m[1] as Verb, path: m[2] };
  if (text.startsWith('create ')) return { verb: 'create', path: '' };
  if (text.startsWith('upgrade ')) return { verb: 'upgrade', path: '' };
  return { verb: 'other', path: '' };
}

/**
 * Field names as the forms label them. A key missing here reads as "a field"
 * rather than as its name in the data.
 */
const FIELDS: Record<string, MessageKey> = {
  title: 'activity.title',
  name: 'common.name',
  description: 'common.description',
  notes: 'common.notes',
  starts_on: 'common.startsOn',
  ends_on: 'common.endsOn',
  date: 'common.date',
  level: 'common.level',
  core_issue: 'common.coreIssue',
  budget: 'report.budget',
  owner: 'activity.owner',
  status: 'activity.status',
  type: 'activity.type',
  unit: 'indicator.unit',
  direction: 'indicator.direction',
  baseline: 'indicator.baseline',
  baseline_on: 'indicator.baselineOn',
  target: 'indicator.target',
  target_on: 'indicator.targetOn',
  verification: 'indicator.verification',
  assumptions: 'plan.assumptions',
  sustainability: 'plan.sustainability',
  likelihood: 'risk.likelihood',
  impact: 'risk.impact',
  mitigation: 'risk.mitigation',
  percent: 'progress.percent',
  spent: 'history.field.spent',
  narrative: 'progress.narrative',
  existing: 'score.existing',
  desired: 'score.desired',
  evidence: 'assessment.evidence',
  comment: 'assessment.comment',
  confidence: 'assessment.confidence',
  priority: 'areas.priority',
  findings: 'assessment.findings',
  method: 'assessment.method',
  entry_level: 'assessment.entryLevel',
  context: 'engagement.context',
  country: 'engagement.country',
  partner_institution: 'engagement.partner',
  area: 'engagement.area',
  organisation: 'stakeholders.organisation',
  stance: 'stakeholders.stance',
  contact: 'stakeholders.contact',
  power: 'grid.power',
  interest: 'grid.interest',
  summary: 'log.summary',
  follow_up: 'log.followUp',
  rationale: 'areas.rationale',
  severity: 'issue.severity',
  action: 'issue.action',
  resolved: 'issue.resolved',
  location: 'training.location',
  institution: 'training.institution',
  value: 'measure.value',
  source: 'measure.source',
  statement: 'history.field.statement',
  currency: 'plan.currency',
  why: 'scope.why',
  for_whom: 'scope.forWhom',
  for_what: 'scope.forWhat',
  agreed_on: 'scope.agreedOn',
};

/** Fields whose name depends on where they sit: `objective/statement` is the plan's objective. */
const FIELDS_IN: Record<string, MessageKey> = {
  'objective.statement': 'plan.objective',
};

/** The parts of documents a reader can filter the history by: the first key of a path. */
export const SECTIONS: Record<string, MessageKey> = {
  stakeholders: 'stakeholders.title',
  log: 'log.title',
  capacity_areas: 'areas.title',
  scope: 'scope.title',
  phases: 'overview.state',
  team: 'team.title',
  participants: 'participants.title',
  responses: 'history.section.ratings',
  template: 'assessment.template',
  validation: 'assessment.validation',
  objective: 'plan.objective',
  outcomes: 'plan.framework',
  risks: 'risk.title',
  progress: 'progress.title',
  trainings: 'training.title',
  issues: 'issue.title',
  measurements: 'measure.title',
  lessons: 'lesson.title',
  evaluations: 'evaluation.title',
};

/** Words an item is known by, in the order the forms show them first. */
const TITLE_KEYS = ['title', 'name', 'statement', 'description', 'summary', 'text'];
const MAX_TITLE = 60;

/** The words an item is known by (its title, name, statement…), cut to a line. */
export function titleOf(item: JsonValue | undefined): string | null {
  if (!isObject(item)) return null;
  for (const key of TITLE_KEYS) {
    const v = item[key];
    if (typeof v === 'string' && v.trim() !== '') {
      return clip(v, MAX_TITLE);
    }
  }
  return null;
}

/** A question of the document's frozen template (assessments key ratings by question id). */
function questionText(content: JsonValue | undefined, id: string): string | null {
  if (!isObject(content) || !isObject(content.template)) return null;
  const sections = content.template.sections;
  if (!Array.isArray(sections)) return null;
  for (const s of sections) {
    if (!isObject(s) || !Array.isArray(s.questions)) continue;
    const q = s.questions.find((x) => isObject(x) && x.id === id);
    if (q) return titleOf(q);
  }
  return null;
}

/** What a change touched, in words: its section, field and the items on the way, outermost first. */
export interface ChangeTarget {
  section: string | null;
  /** The message key of the field set, or null for a whole item (added, removed, moved). */
  field: MessageKey | 'unknown' | null;
  /** Titles of the items along the path (null: an item no longer in the document). */
  items: (string | null)[];
}

export function targetOf(content: JsonValue | undefined, change: ChangeDescription): ChangeTarget {
  const segs = change.path.split('/').filter((s) => s !== '');
  const section = segs[0] ?? null;
  const items: (string | null)[] = [];
  let node: JsonValue | undefined = content;
  let field: ChangeTarget['field'] = null;
  // Past an item that is no longer there, paths go on as lists do: a key,
  // then an item id, and so on.
  let lostAt: number | null = null;
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (lostAt !== null) {
      if ((i - lostAt) % 2 === 0) items.push(null);
      else if (last && change.verb === 'set') field = FIELDS[seg] ?? 'unknown';
      return;
    }
    if (Array.isArray(node)) {
      const item = node.find((x) => isObject(x) && x.id === seg);
      items.push(titleOf(item));
      if (item === undefined) lostAt = i;
      node = item;
    } else if (isObject(node) && (i === 1 && section === 'responses')) {
      // Ratings are a map from question id to answer.
      items.push(questionText(content, seg));
      node = node[seg];
    } else {
      if (last && change.verb === 'set') field = FIELDS_IN[`${segs[i - 1]}.${seg}`] ?? FIELDS[seg] ?? 'unknown';
      node = isObject(node) ? node[seg] : undefined;
    }
  });
  // A field set at the top of a document (its title, its context) names no item.
  return { section: section && section in SECTIONS ? section : null, field, items };
}

/** A run of changes one person made to one place in a short while, shown as one line. */
export interface Burst {
  /** The newest change of the run: its time and new value. */
  entry: HistoryEntry;
  /** The oldest: the value before the run. */
  oldest: HistoryEntry;
  change: ChangeDescription;
  count: number;
}

const BURST_MS = 10 * 60_000;

/** Groups consecutive changes (newest first) by the same actor to the same path within ten minutes. */
export function bursts(entries: HistoryEntry[]): Burst[] {
  const out: Burst[] = [];
  for (const entry of entries) {
    const change = describeChange(entry.summary);
    const prev = out.at(-1);
    if (
      prev &&
      prev.entry.actor === entry.actor &&
      prev.change.verb === change.verb &&
      change.verb === 'set' &&
      prev.change.path === change.path &&
      prev.entry.time_ms - entry.time_ms <= BURST_MS
    ) {
      prev.count++;
      prev.oldest = entry;
      continue;
    }
    out.push({ entry, oldest: entry, change, count: 1 });
  }
  return out;
}

/** Enumerations a field's codes may come from, most likely first. */
const CODES: Record<string, string[]> = {
  status: ['activityStatus', 'indicatorStatus', 'riskStatus'],
  stance: ['stance'],
  confidence: ['confidence'],
  severity: ['severity'],
  direction: ['direction'],
  age_group: ['ageGroup'],
  frequency: ['frequency'],
  horizon: ['horizon'],
  level: ['level'],
  entry_level: ['level'],
  core_issue: ['coreIssue'],
  area: ['area'],
  type: ['activityType', 'stakeholderType'],
  method: ['method'],
  kind: ['contactKind'],
  sex: ['sex'],
  functional_capacity: ['functionalCapacity'],
};

/**
 * The label of a code a field holds (`in_progress` of an activity's status),
 * or null when the value is not one: it is then shown as it is.
 */
export function codeLabel(path: string, value: JsonValue | undefined): MessageKey | null {
  if (typeof value !== 'string') return null;
  const segs = path.split('/');
  const prefixes = segs[0] === 'phases' ? ['phaseState'] : (CODES[segs[segs.length - 1]] ?? []);
  for (const prefix of prefixes) {
    const key = `${prefix}.${value}`;
    if (key in en) return key as MessageKey;
  }
  return null;
}

/**
 * The title of the item a field belongs to (`…/activities/a7/budget` → the
 * activity's title), to tell apart the fields every item repeats ("Budget"
 * of which activity?). Null for a field of no item, and for the item's own
 * title or name.
 */
export function itemTitleAt(content: JsonValue | undefined, path: string): string | null {
  const segs = path.split('/').filter((x) => x !== '');
  let node: JsonValue | undefined = content;
  let item: JsonValue | undefined;
  let itemDepth = -1;
  for (let i = 0; i < segs.length; i++) {
    if (Array.isArray(node)) {
      node = node.find((x) => isObject(x) && x.id === segs[i]);
      item = node;
      itemDepth = i;
    } else if (isObject(node)) {
      node = node[segs[i]];
    } else {
      return null;
    }
  }
  if (itemDepth < 0 || (itemDepth === segs.length - 2 && TITLE_KEYS.includes(segs[segs.length - 1]))) return null;
  return titleOf(item);
}
