// Generated from the Rust definitions (crates/app/src/bindings.rs) by `UPDATE_BINDINGS=1 cargo test -p cd4mm-app`.
// Do not edit: change the Rust and regenerate.

export type Activity = { id: string, title: string, description: string, type: ActivityType, level: Level | null, core_issue: CoreIssue | null, owner: string, starts_on: string | null, ends_on: string | null, 
/**
 * The activity's budget; when it has budget lines, their sum counts
 * instead ([`Activity::cost`]).
 */
budget: number, status: ActivityStatus, addresses: Array<GapRef>, indicators: Array<Indicator>, notes: string, horizon: Horizon | null, budget_lines: Array<BudgetLine>, 
/**
 * The donor (id in [`Plan::donors`]) or `government` paying for it.
 */
funding_source: string, };

export type ActivityDelivery = { activity_id: string, title: string, 
/**
 * From the latest progress update; the plan's own until there is one.
 */
status: ActivityStatus, 
/**
 * 0–100; a completed activity is 100.
 */
percent_complete: number, 
/**
 * Cumulative, as the latest update reports it.
 */
spent: number, cost: number, 
/**
 * The date of the latest update, when there is one.
 */
as_of: string | null, 
/**
 * The latest update reports less cumulative spend than an earlier one:
 * most often an update saved with the spend of one period only.
 */
spend_went_down: boolean, };

export type ActivityStatus = "planned" | "in_progress" | "delayed" | "completed" | "cancelled";

export type ActivityType = "training" | "training_of_trainers" | "mentoring_coaching" | "sop_or_guideline" | "equipment_infrastructure" | "information_system" | "policy_legal_advice" | "institutional_reform" | "study_visit_peer_exchange" | "coordination_mechanism" | "awareness_raising" | "data_research";

export type AddedQuestion = { section: string, question: Question, };

export type AdminAction = { "type": "add_user", username: string, password: string, admin: boolean, } | { "type": "set_disabled", username: string, disabled: boolean, } | { "type": "reset_password", username: string, password: string, } | { "type": "add_workspace", id: string, name: string, country: string, } | { "type": "change_workspace", id: string, name: string, country: string, } | { "type": "set_member", workspace: string, username: string, role: Role, } | { "type": "remove_member", workspace: string, username: string, } | { "type": "cover", username: string, country: string, } | { "type": "uncover", username: string, country: string, } | { "type": "revoke_device", device_id: string, };

export type AdminOverview = { users: Array<UserLine>, workspaces: Array<WorkspaceLine>, devices: Array<DeviceLine>, };

export type AgeGroup = "under25" | "from25_to39" | "from40_to54" | "from55" | "not_recorded";

export type AppError = { code: Code, message: string, 
/**
 * The field a refused edit names, to highlight it.
 */
field: string | null, };

export type Area = "border_management" | "labour_migration" | "counter_trafficking_protection" | "return_reintegration" | "migration_development" | "migration_data" | "crisis_displacement" | "migration_health" | "policy_governance" | "cross_cutting";

export type Assessment = { title: string, 
/**
 * The template as it was when the assessment started, stored as one JSON
 * string: it is never edited, so it need not be a mergeable structure.
 */
template: string | null, 
/**
 * The template's texts in other languages (`Template::translations`),
 * frozen as one JSON string beside it ("" when none). Kept apart and
 * left unparsed here: every edit reads the assessment into this model,
 * and the translations are most of the template's bytes.
 */
template_translations: string, capacity_area_ids: Array<string>, method: Method, entry_level: Level | null, started_on: string | null, completed_on: string | null, 
/**
 * The assessment this one measures again (a re-assessment), by document id.
 */
baseline_id: string | null, participants: Array<Participant>, 
/**
 * Ratings by question id. Every question gets an entry when the assessment
 * starts, so two devices never create the same entry concurrently.
 */
responses: { [key in string]: Response }, 
/**
 * A status label kept from before validation was recorded as an act;
 * read for older documents, no longer set.
 */
validation: Validation, validated_on: string | null, validated_by: string, findings: string, 
/**
 * The partner's validation: who, when, in which meeting, and the
 * ratings they validated. It stays when the ratings change later; the
 * assessment then needs validating again ([`Assessment::validation_state`]).
 */
validation_record: ValidationRecord | null, 
/**
 * The choices of the design step that shaped `template`, frozen as one
 * JSON string; none when the template is run whole.
 */
design: string | null, };

export type AssessmentSummary = { gaps: Array<QuestionGap>, prioritised: Array<QuestionGap>, averages: Array<DimensionScore>, 
/**
 * Empty unless the assessment names a baseline.
 */
comparison: Array<DimensionChange>, 
/**
 * Whether the partner validated the ratings, and what changed since.
 */
validation: ValidationState, 
/**
 * Whether rating has begun (the design step is then over).
 */
rated: boolean, 
/**
 * Who set each question's current ratings, by question id: names where
 * the server told them, else the device's actor (hex).
 */
raters: { [key in string]: Array<string> }, 
/**
 * What its template is for: only capacity gaps are ranked and planned
 * for; a training evaluation belongs to its training.
 */
purpose: Purpose, };

export type AuditAction = "add_user" | "disable_user" | "enable_user" | "reset_password" | "add_workspace" | "change_workspace" | "set_member" | "remove_member" | "cover" | "uncover" | "revoke_device" | "revoke_own_device" | "new_epoch" | "other";

export type AuditLine = { id: number, at: number, 
/**
 * Who did it: a user name, or `console` for the server's own commands.
 */
by: string, action: AuditAction, 
/**
 * The user, workspace or device it was done to.
 */
subject: string, 
/**
 * What changed, in words (never a password).
 */
detail: string, };

export type Budget = { 
/**
 * The plans' ISO 4217 code, upper case; empty where a plan names none.
 */
currency: string, plans: number, planned: number, spent: number, };

export type BudgetLine = { id: string, 
/**
 * What is bought: trainers' fees, venue, travel, equipment.
 */
item: string, amount: number, };

export type By = "level_core_issue" | "functional_capacity" | "section";

export type CapacityArea = { id: string, title: string, description: string, level: Level | null, core_issue: CoreIssue | null, priority: number, rationale: string, };

export type ChangeLine = { 
/**
 * As in [`HeatCell::template`].
 */
template: string | null, dimension: Dimension, baseline: number, current: number, change: number, 
/**
 * Re-assessment/baseline pairs the means are over.
 */
pairs: number, };

export type Code = "unauthorised" | "forbidden" | "not_a_member" | "role_forbids" | "no_device" | "actor_taken" | "foreign_actor" | "read_only" | "account_disabled" | "not_an_admin" | "wrong_passphrase" | "locked" | "invalid" | "malformed" | "unsupported_protocol" | "unsupported_encoding" | "too_large" | "too_many_changes" | "too_many_operations" | "too_many_items" | "string_too_long" | "repeated_cursor" | "cursor_ahead" | "bad_path" | "bad_filter" | "bad_user" | "bad_actor" | "bad_change" | "bad_document" | "bad_header" | "bad_content" | "bad_kind" | "bad_id" | "kind_mismatch" | "mixed_labels" | "wrong_kind" | "document_mismatch" | "change_elsewhere" | "duplicate_seq" | "follows_refused" | "change_too_large" | "document_too_large" | "compressed_change" | "too_deep" | "newer_schema" | "not_found" | "no_user" | "no_workspace" | "no_such_export" | "no_country" | "exists" | "busy" | "too_many_attempts" | "too_many_streams" | "internal" | "offline" | "server" | "sync" | "signed_out" | "storage" | "bad_data_file" | "unsupported" | "unexpected" | "unknown";

export type Command = { "command": "list_documents", workspace: string | null, } | { "command": "read_document", id: string, } | { "command": "create_document", id: string, workspace: string, kind: Kind, title: string, template: string | null, baseline: string | null, } | { "command": "edit_document", id: string, edit: Edit, made_on?: Array<string>, } | { "command": "design_assessment", id: string, design: Design, } | { "command": "validate_assessment", id: string, by: string, on: string, meeting: string, } | { "command": "search", query: string, limit: number, } | { "command": "templates" } | { "command": "assessment_summary", id: string, } | { "command": "record_reassessment", id: string, monitoring: string, on: string, } | { "command": "rank_capacity_areas", id: string, } | { "command": "plan_summary", id: string, monitoring: Array<string>, } | { "command": "monitoring_summary", id: string, } | { "command": "phases", workspace: string, } | { "command": "start_next_round", id: string, workspace: string, from: string, title: string, on: string, words: RoundWords, } | { "command": "workspaces" } | { "command": "history", id: string, } | { "command": "read_document_at", id: string, at_ms: number, } | { "command": "not_accepted" } | { "command": "discard_not_accepted", id: string, };

export type Confidence = "low" | "medium" | "high";

export type Conflict = { 
/**
 * Path of the field, as an [`crate::Edit`] would name it: keys, and item ids in lists.
 */
path: string, values: Array<ConflictValue>, };

export type ConflictValue = { value: JsonValue, 
/**
 * Hex id of the Automerge actor (device or server user) that wrote it.
 */
actor: string, 
/**
 * Whether Automerge shows this value by default.
 */
winner: boolean, 
/**
 * When it was written, by its author's clock (Unix milliseconds): a
 * person choosing between two values asks which is the newer.
 */
time_ms?: number, };

export type ContactKind = "meeting" | "workshop" | "call" | "email" | "field_visit" | "other";

export type Content = Engagement | Assessment | Plan | Monitoring | Toolbox;

export type CoreIssue = "institutional_arrangements" | "leadership" | "knowledge" | "accountability";

export type CountryIndicators = { country: string, by_status: { [key in IndicatorStatus]?: number }, };

export type Criterion = "relevance" | "coherence" | "effectiveness" | "efficiency" | "impact" | "sustainability";

export type CriterionRating = { id: string, criterion: Criterion, 
/**
 * 1–[`CRITERION_RATING_MAX`]; `None` when not rated.
 */
rating: number | null, evidence: string, };

export type Dashboard = { engagements: Array<EngagementLine>, 
/**
 * How the heatmap and the change table put scales side by side.
 */
measure: Measure, 
/**
 * Mean gap (desired − existing) by country and dimension, over the latest
 * capacity-gap assessment of each workspace that passes the filter
 * (policy profiles and training evaluations are not capacity gaps).
 */
heatmap: Array<HeatCell>, plans: PlanTotals, indicators: { [key in IndicatorStatus]?: number }, 
/**
 * Indicators by status, per country.
 */
indicators_by_country: Array<CountryIndicators>, 
/**
 * Mean existing score by dimension, over every capacity-gap
 * re-assessment that passes the filter and the baseline it names.
 */
change: Array<ChangeLine>, 
/**
 * Each workspace's latest policy profile (Migration Governance
 * Indicators), by country name: a profile to read, not a ranking.
 */
profiles: Array<Profile>, 
/**
 * People trained, per country, by sex, age group and institution.
 */
trainees: Array<Trainees>, 
/**
 * Lessons learnt across the region, newest first (at most
 * [`LESSONS_SHOWN`]), to search by words, criterion, phase and area.
 */
lessons: Array<LessonLine>, };

export type Delivery = { progress: Progress, 
/**
 * In the plan's order.
 */
activities: Array<ActivityDelivery>, 
/**
 * Reporting periods in date order.
 */
periods: Array<PeriodSpend>, 
/**
 * Mean spend per month from the plan's start to the last period's end,
 * when both are known.
 */
per_month: number | null, 
/**
 * In the plan's order, each as its latest review left it.
 */
risks: Array<RiskLine>, };

export type Design = { 
/**
 * Keep only questions at these levels.
 */
levels: Array<Level>, core_issues: Array<CoreIssue>, functional_capacities: Array<FunctionalCapacity>, 
/**
 * Keep only these sections, by id.
 */
sections: Array<string>, 
/**
 * Questions left out, by id.
 */
dropped: Array<string>, 
/**
 * Questions of the partner's own, about its context.
 */
added: Array<AddedQuestion>, 
/**
 * Use the scale of this shipped template instead.
 */
scale_from: string | null, 
/**
 * A scale of the team's own (points, labels, descriptors): it wins over
 * `scale_from`.
 */
scale: Scale | null, 
/**
 * The engagement's capacity areas the assessment looks at.
 */
capacity_area_ids: Array<string>, };

export type DeviceLine = { device_id: string, username: string, name: string, browser: boolean, created_at: number, 
/**
 * Its last sync or request, to the minute.
 */
last_seen_at: number, revoked: boolean, };

export type Dimension = { "by": "section", section: string, } | { "by": "functional_capacity", functional_capacity: FunctionalCapacity, } | { "by": "level_core_issue", level: Level, core_issue: CoreIssue, };

export type DimensionChange = { dimension: Dimension, 
/**
 * The baseline's existing-capacity average.
 */
baseline: number | null, 
/**
 * The baseline's desired-capacity average: where the partner meant to get.
 */
baseline_desired: number | null, 
/**
 * The re-assessment's existing-capacity average.
 */
current: number | null, 
/**
 * current − baseline of the existing-capacity average.
 */
change: number | null, 
/**
 * The share of the baseline's gap closed since, from 0 (none) to 1
 * (all; above 1 when the desired level was passed, below 0 when
 * capacity fell). None where the baseline had no gap to close.
 */
gap_closed: number | null, };

export type DimensionScore = { dimension: Dimension, existing: number | null, desired: number | null, gap: number | null, 
/**
 * Questions with both ratings, out of `questions`.
 */
rated: number, questions: number, };

export type Direction = "increase" | "decrease";

export type Disaggregation = "sex" | "age_group" | "institution";

export type DocumentSummary = { id: string, kind: string, workspace: string, title: string, conflicts: number, updated_at: number, };

export type Donor = { id: string, name: string, amount: number, 
/**
 * The grant or agreement reference, as the donor names it.
 */
agreement: string, };

export type Edit = { "op": "set", path: string, value: JsonValue, } | { "op": "insert", list: string, item: JsonValue, before?: string | null, } | { "op": "remove", list: string, id: string, } | { "op": "move", list: string, id: string, before?: string | null, };

export type Engagement = { title: string, country: string, partner_institution: string, area: Area | null, context: string, scope: Scope, phases: Phases, stakeholders: Array<Stakeholder>, log: Array<LogEntry>, capacity_areas: Array<CapacityArea>, team: Array<TeamMember>, 
/**
 * Weighted criteria the partner scores the capacity areas against, to
 * rank them (phase 1).
 */
prioritisation: Prioritisation, 
/**
 * The workspace of the round this one follows, when it does.
 */
previous_workspace: string | null, };

export type EngagementLine = { workspace: string, country: string, title: string, area: Area | null, phase: number, };

export type Entry = { id: string, name: string, kind: EntryKind, 
/**
 * The assessment template this entry describes, when it ships as one
 * (an assessment can be started from the entry).
 */
template: string | null, purpose: string, summary: string, phases: Array<number>, levels: Array<Level>, core_issues: Array<CoreIssue>, areas: Array<Area>, references: Array<Reference>, 
/**
 * The entry's texts in other languages, by language code
 * ([`crate::template::TRANSLATED`]); what is missing reads in English.
 */
translations: { [key in string]: EntryText }, };

export type EntryKind = "tool" | "case_example";

export type EntryText = { name: string, purpose: string, summary: string, };

export type Evaluation = { id: string, title: string, type: EvaluationType, evaluator: string, date: string | null, ratings: Array<CriterionRating>, findings: string, recommendations: Array<Recommendation>, };

export type EvaluationType = "mid_term" | "final" | "ex_post" | "internal";

export type ExitItem = { id: string, text: string, done: boolean, };

export type Frequency = "monthly" | "quarterly" | "six_monthly" | "yearly" | "mid_and_end_of_plan" | "end_of_plan";

export type FunctionalCapacity = "engage_stakeholders" | "assess_and_vision" | "formulate_policy" | "budget_manage_implement" | "evaluate";

export type GapRef = { id: string, assessment_id: string, question_id: string, };

export type Handover = { id: string, item: string, 
/**
 * The receiving institution as written…
 */
recipient: string, 
/**
 * …and in the engagement's stakeholder register.
 */
stakeholder_id: string | null, date: string | null, signed_by: string, conditions: string, };

export type Headcount = { total: number, 
/**
 * Only the sexes recorded at least once.
 */
by_sex: { [key in Sex]?: number }, 
/**
 * Only the age groups recorded at least once.
 */
by_age: { [key in AgeGroup]?: number }, };

export type HeatCell = { country: string, 
/**
 * The template, when gaps are in its own points; `None` when they are
 * shares of each scale's range.
 */
template: string | null, dimension: Dimension, gap: number, 
/**
 * How many assessments (one per workspace) the mean is over.
 */
assessments: number, };

export type HistoryEntry = { hash: string, 
/**
 * The Automerge actor (hex) of the device or browser session.
 */
actor: string, 
/**
 * Who that actor belongs to, when the caller knows (the server does).
 */
author: string | null, 
/**
 * The author's clock when the change was made, in Unix milliseconds.
 */
time_ms: number, 
/**
 * The edit's own description, e.g. `set outcomes/oc1/title`.
 */
summary: string, 
/**
 * For a field set (`set …`) among the newest [`HISTORY_VALUES`]
 * changes: the field's single value before the change, when it had one.
 */
before?: JsonValue, 
/**
 * The value the change set, as it wrote it (concurrent changes may show another).
 */
after?: JsonValue, };

export type Horizon = "short_term" | "medium_term" | "long_term";

export type Indicator = { id: string, name: string, unit: string, direction: Direction, baseline: number, 
/**
 * The baseline is still to be measured: `baseline` means nothing yet
 * (a document written before this field reads as known).
 */
baseline_unknown: boolean, baseline_on: string | null, target: number, target_on: string | null, means_of_verification: string, assumptions: string, 
/**
 * Values expected on the way to the target.
 */
milestones: Array<Milestone>, frequency: Frequency | null, 
/**
 * Who measures it.
 */
responsible: string, 
/**
 * How it is measured: survey, records review, observation, test.
 */
collection_method: string, 
/**
 * What its measurements are broken down by.
 */
disaggregation: Array<Disaggregation>, 
/**
 * It tells whether the change lasts once support ends.
 */
sustainability: boolean, };

export type IndicatorLine = { 
/**
 * `objective`, or the id of the outcome, output or activity measured.
 */
result_id: string, indicator_id: string, name: string, status: IndicatorStatus, latest_on: string | null, latest: number | null, };

export type IndicatorStatus = "no_data" | "on_track" | "at_risk" | "off_track" | "achieved";

export type Issue = { id: string, date: string | null, description: string, severity: Severity, action: string, resolved: boolean, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type Kind = "engagement" | "assessment" | "plan" | "monitoring" | "toolbox";

export type Kirkpatrick = { 
/**
 * Level 1: mean satisfaction, 1–5.
 */
reaction: number | null, 
/**
 * Level 2: mean pre- and post-test scores, percent.
 */
pre_test: number | null, post_test: number | null, 
/**
 * Level 3: use on the job, observed some months later.
 */
behaviour_notes: string, 
/**
 * Level 4: results for the organisation.
 */
results_notes: string, 
/**
 * When the level-3 follow-up is due (three to six months after).
 */
follow_up_on: string | null, 
/**
 * At the follow-up: participants reached, and those of them applying
 * what they learnt on the job.
 */
followed_up: number | null, applying: number | null, };

export type Learning = { 
/**
 * Participants in groups with both scores.
 */
participants: number, pre_test: number, post_test: number, gain: number, };

export type Lesson = { id: string, date: string | null, criterion: Criterion | null, lesson: string, 
/**
 * The phase (1–5) it was learnt in, to find it again.
 */
phase: number | null, 
/**
 * The migration-management area it speaks of.
 */
area: Area | null, };

export type LessonLine = { country: string, workspace: string, date: string | null, criterion: Criterion | null, phase: number | null, 
/**
 * The lesson's own area, else its engagement's.
 */
area: Area | null, lesson: string, };

export type Level = "enabling_environment" | "organisation" | "individual";

export type LockState = { locked: boolean, 
/**
 * No passphrase was chosen yet: the window asks for a new one, twice.
 */
first_time: boolean, 
/**
 * The shortest passphrase the shell accepts.
 */
min_chars: number, 
/**
 * The data is locked with the system keychain's key, and the keychain
 * did not answer, for this reason: no passphrase can open it; the user
 * unlocks the keychain and tries again.
 */
keychain: string | null, };

export type LogEntry = { id: string, date: string | null, kind: ContactKind, stakeholder_ids: Array<string>, summary: string, follow_up: string, };

export type Measure = "share_of_scale" | "scale_points";

export type Measurement = { id: string, indicator_id: string, date: string | null, value: number, source: string, notes: string, };

export type MemberLine = { username: string, role: Role, };

export type Method = "self_assessment_workshop" | "interviews" | "focus_groups" | "document_review" | "mixed";

export type Milestone = { id: string, on: string | null, value: number, };

export type Monitoring = { title: string, plan_id: string, starts_on: string | null, ends_on: string | null, progress: Array<ProgressUpdate>, measurements: Array<Measurement>, trainings: Array<Training>, issues: Array<Issue>, lessons: Array<Lesson>, 
/**
 * The plan's risks as reviewed in this period.
 */
risk_reviews: Array<RiskReview>, 
/**
 * Evaluations of the plan made in this period.
 */
evaluations: Array<Evaluation>, };

export type MonitoringSummary = { 
/**
 * Each training's participants, by training id.
 */
headcounts: { [key in string]: Headcount }, 
/**
 * Each training's test scores by sex, age group and institution, by
 * training id, then by disaggregation code.
 */
learning: { [key in string]: { [key in string]: { [key in string]: Learning } } }, };

export type NotAccepted = { doc_id: string, workspace: string, kind: string, title: string, 
/**
 * Why, machine-readable (`role_forbids`, `too_deep`, …).
 */
code: Code, 
/**
 * Why, for people.
 */
message: string, 
/**
 * How many of this device's changes to the document were refused.
 */
changes: number, 
/**
 * When the last refusal came, in Unix milliseconds.
 */
at_ms: number, };

export type Objective = { statement: string, indicators: Array<Indicator>, };

export type Outcome = { id: string, statement: string, indicators: Array<Indicator>, outputs: Array<Output>, 
/**
 * What must hold outside the plan's control for this result to follow
 * (the results matrix's assumptions column).
 */
assumptions: string, };

export type Output = { id: string, statement: string, indicators: Array<Indicator>, activities: Array<Activity>, assumptions: string, };

export type Participant = { id: string, name: string, organisation: string, role: string, sex: Sex, };

export type ParticipantGroup = { id: string, 
/**
 * The institution as written; with `stakeholder_id`, the register's name.
 */
institution: string, 
/**
 * The institution in the engagement's stakeholder register.
 */
stakeholder_id: string | null, sex: Sex, age_group: AgeGroup, count: number, 
/**
 * The group's mean pre- and post-test scores, percent, when recorded
 * per group: the learning gain by sex, age and institution.
 */
pre_test: number | null, post_test: number | null, };

export type PeriodSpend = { monitoring_id: string, title: string, starts_on: string | null, 
/**
 * The period's end, else its latest update's date.
 */
ends_on: string | null, 
/**
 * Cumulative spend at the period's end minus at the previous one's.
 */
spent: number, 
/**
 * Every activity's latest cumulative spend as of the period's end.
 */
cumulative: number, 
/**
 * Cumulative over the plan's budget; 0 when nothing is budgeted.
 */
budget_used: number, 
/**
 * Share of the plan's duration gone by the period's end, when the plan
 * has both dates: spending far ahead of or behind it is worth a look.
 */
time_used: number | null, 
/**
 * What was spent in the period per month of it, when it has dates.
 */
per_month: number | null, };

export type PhaseState = "not_started" | "in_progress" | "done";

export type PhaseStates = { states: Phases, team: Phases, shown: Phases, 
/**
 * The phase the engagement is in by `states`: the first not done (1–5),
 * or 6 when all five are (`cd4mm_core::phases::current`).
 */
current: number, };

export type Phases = { engagement: PhaseState, assessment: PhaseState, response: PhaseState, implementation: PhaseState, monitoring: PhaseState, };

export type Plan = { title: string, 
/**
 * Assessment documents this plan responds to.
 */
assessment_ids: Array<string>, starts_on: string | null, ends_on: string | null, 
/**
 * ISO 4217 code of every amount in the plan, e.g. `USD`.
 */
currency: string, objective: Objective, outcomes: Array<Outcome>, risks: Array<Risk>, assumptions: string, sustainability: string, 
/**
 * Who funds the plan, and how much each has committed.
 */
donors: Array<Donor>, 
/**
 * What the partner government puts in, in the plan's currency…
 */
government_contribution: number, 
/**
 * …and in what form (staff time, premises, a budget line).
 */
government_contribution_note: string, 
/**
 * What is handed over to the partner, to whom, when and on what terms.
 */
handover: Array<Handover>, 
/**
 * What must be done before the plan's team leaves.
 */
exit_checklist: Array<ExitItem>, };

export type PlanSummary = { 
/**
 * Activities, periods, spending and risks, from the monitoring documents.
 */
delivery: Delivery, indicators: Array<IndicatorLine>, };

export type PlanTotals = { plans: number, activities: { [key in ActivityStatus]?: number }, 
/**
 * Budget and spending per currency, by currency code: amounts in
 * different currencies are never added up (there is no exchange rate).
 */
budgets: Array<Budget>, };

export type Prioritisation = { criteria: Array<PriorityCriterion>, 
/**
 * Scores 1–5, keyed `area id|criterion id` (one flat map, so two
 * people scoring different cells never touch the same entry).
 */
scores: { [key in string]: number }, };

export type PriorityCriterion = { id: string, name: string, weight: number, };

export type Profile = { country: string, workspace: string, template: string, on: string | null, scale: [number, number] | null, domains: Array<DimensionScore>, };

export type Progress = { activities: number, by_status: { [key in ActivityStatus]?: number }, 
/**
 * Completed activities over activities not cancelled, 0–1.
 */
completion: number, 
/**
 * Mean percent complete of the activities not cancelled, 0–100.
 */
percent_complete: number, 
/**
 * What the activities not cancelled cost, plus what cancelled ones had
 * spent before they stopped.
 */
budget: number, spent: number, 
/**
 * Spent over budget, 0 when nothing is budgeted.
 */
budget_used: number, 
/**
 * Budget of cancelled activities that they did not spend: free again.
 */
released: number, };

export type ProgressUpdate = { id: string, activity_id: string, date: string | null, status: ActivityStatus, percent_complete: number, 
/**
 * Cumulative spend on the activity as of this update.
 */
spent: number, narrative: string, outputs_delivered: string, };

export type Purpose = "capacity_gaps" | "policy_profile" | "training_evaluation";

export type Quadrant = "manage_closely" | "keep_satisfied" | "keep_informed" | "monitor";

export type Question = { id: string, text: string, guidance: string, level?: Level | null, core_issue?: CoreIssue | null, functional_capacity?: FunctionalCapacity | null, };

export type QuestionGap = { question_id: string, section_id: string, level: Level | null, core_issue: CoreIssue | null, functional_capacity: FunctionalCapacity | null, existing: number | null, desired: number | null, 
/**
 * desired − existing, when both are rated.
 */
gap: number | null, priority: number, };

export type QuestionText = { text: string, guidance: string, };

export type RankedArea = { area_id: string, title: string, 
/**
 * The weighted mean of its scores, 1–5; none before any is scored.
 */
score: number | null, 
/**
 * Criteria it was scored on, of all.
 */
scored: number, };

export type Rating = "low" | "medium" | "high";

export type RatingChange = { question_id: string, validated: ValidatedRating, now: ValidatedRating, };

export type Recommendation = { id: string, text: string, response: string, owner: string, due_on: string | null, status: ResponseStatus, };

export type Reference = { title: string, publisher: string, year: number | null, };

export type Reply = { "reply": "documents", "data": Array<DocumentSummary> } | { "reply": "document", "data": Snapshot } | { "reply": "created", "data": { id: string, } } | { "reply": "search_hits", "data": Array<SearchHit> } | { "reply": "templates", "data": Array<Template> } | { "reply": "assessment", "data": AssessmentSummary } | { "reply": "plan", "data": PlanSummary } | { "reply": "monitoring", "data": MonitoringSummary } | { "reply": "ranked_areas", "data": Array<RankedArea> } | { "reply": "phases", "data": PhaseStates } | { "reply": "workspaces", "data": Array<WorkspaceInfo> } | { "reply": "history", "data": Array<HistoryEntry> } | { "reply": "not_accepted", "data": Array<NotAccepted> };

export type Response = { existing: number | null, desired: number | null, evidence: string, confidence: Confidence | null, 
/**
 * The partner's priority for closing this gap, 1 (low) to 5 (high).
 */
priority: number, 
/**
 * What was said about the rating: disagreements, caveats, follow-ups.
 */
comment: string, };

export type ResponseStatus = "planned" | "in_progress" | "done" | "not_accepted";

export type RevokeOwnDevice = { device_id: string, };

export type Risk = { id: string, description: string, likelihood: Rating, impact: Rating, mitigation: string, owner: string, };

export type RiskLine = { risk_id: string, description: string, likelihood: Rating, impact: Rating, 
/**
 * Likelihood × impact, each 1 (low) to 3 (high): 1–9.
 */
score: number, status: RiskStatus, 
/**
 * `None` until it is first reviewed.
 */
reviewed_on: string | null, action: string, owner: string, };

export type RiskReview = { id: string, risk_id: string, date: string | null, likelihood: Rating, impact: Rating, status: RiskStatus, action: string, };

export type RiskStatus = "open" | "occurred" | "closed";

export type Role = "owner" | "editor" | "counterpart" | "viewer";

export type RoundWords = { 
/**
 * The log entry: `{stakeholders}`, `{gaps}`, `{lessons}`, `{previous}`.
 */
carried: string, 
/**
 * A capacity area's rationale when the last plan addressed its gap.
 */
addressed: string, 
/**
 * …and when it did not.
 */
not_addressed: string, 
/**
 * The heading of the lessons in the new engagement's context.
 */
lessons: string, };

export type Scale = { points: Array<ScalePoint>, };

export type ScalePoint = { value: number, label: string, descriptor: string, };

export type Scope = { why: string, for_whom: string, for_what: string, agreed_on: string | null, };

export type SearchHit = { doc_id: string, kind: string, item_id: string, title: string, 
/**
 * The matching passage, with matches between `[` and `]`.
 */
snippet: string, };

export type Section = { id: string, title: string, questions: Array<Question>, };

export type Severity = "low" | "medium" | "high";

export type Sex = "female" | "male" | "other" | "not_recorded";

export type Snapshot = { kind: Kind, schema: number, workspace: string, 
/**
 * Why the document cannot be edited, when it cannot.
 */
read_only: string | null, value: JsonValue, conflicts: Array<Conflict>, 
/**
 * The Automerge heads (hex) this reading shows: an edit made on it names
 * them, so it merges with what others wrote meanwhile instead of
 * overwriting it ([`Document::apply_on`]).
 */
heads: Array<string>, };

export type Stakeholder = { id: string, name: string, organisation: string, type: StakeholderType, power: number, interest: number, stance: Stance, contact: string, notes: string, };

export type StakeholderType = "ministry" | "border_or_migration_agency" | "local_government" | "parliament_or_judiciary" | "civil_society" | "private_sector" | "migrants_and_diaspora" | "academia" | "international_organisation" | "donor";

export type Stance = "supportive" | "neutral" | "resistant";

export type SyncState = "local_only" | "offline" | "syncing" | "online" | "error";

export type SyncStatus = { state: SyncState, 
/**
 * The server's address, when signed in.
 */
server: string | null, user: string | null, 
/**
 * Edits made here that the server has not acknowledged yet.
 */
unsent: number, last_sync_ms: number | null, 
/**
 * 0..1 while a sync runs.
 */
progress: number | null, 
/**
 * What went wrong, in plain words, or what is happening.
 */
message: string | null, 
/**
 * The signed-in user is a server administrator.
 */
admin: boolean, };

export type TeamMember = { id: string, name: string, organisation: string, role: string, };

export type Template = { id: string, version: number, title: string, description: string, scale: Scale, sections: Array<Section>, 
/**
 * The template's texts in other languages, by language code (`fr`,
 * `es`): frozen with the template into an assessment, so a workshop
 * runs in its participants' language wherever it is opened.
 */
translations?: { [key in string]: TemplateText }, };

export type TemplateText = { title: string, description: string, scale: Array<ScalePoint>, 
/**
 * Section titles by section id.
 */
sections: { [key in string]: string }, questions: { [key in string]: QuestionText }, };

export type Toolbox = { title: string, entries: Array<Entry>, };

export type Trainees = { country: string, trainings: number, headcount: Headcount, 
/**
 * Participants by institution as recorded (trimmed); "" where none was.
 */
by_institution: { [key in string]: number }, };

export type Training = { id: string, activity_id: string | null, title: string, starts_on: string | null, ends_on: string | null, location: string, participants: Array<ParticipantGroup>, kirkpatrick: Kirkpatrick, notes: string, 
/**
 * The training-evaluation assessment made of this training, if any:
 * judged with the training, never ranked as a capacity gap.
 */
evaluation_id: string | null, 
/**
 * A training of trainers: how many of the participants now train
 * others, and how many people they have trained since.
 */
trainers: number, trained_by_trainers: number, };

export type UserLine = { username: string, admin: boolean, disabled: boolean, created_at: number, 
/**
 * Countries whose workspaces this user reads as a regional officer.
 */
coverage: Array<string>, };

export type ValidatedRating = { existing: number | null, desired: number | null, priority: number, };

export type Validation = "draft" | "under_validation" | "validated";

export type ValidationRecord = { 
/**
 * The person who validated, for the partner.
 */
by: string, on: string | null, 
/**
 * The meeting it happened in, e.g. "validation workshop, Ministry of Interior".
 */
meeting: string, 
/**
 * The ratings validated, by question id: frozen as one JSON string
 * (never edited, so it need not be a mergeable structure).
 */
ratings: string, };

export type ValidationState = { "state": "not_validated" } | { "state": "validated" } | { "state": "needs_revalidation", changes: Array<RatingChange>, };

export type WorkspaceInfo = { id: string, name: string, country: string, 
/**
 * `owner` for a workspace kept only on this device.
 */
role: Role, };

export type WorkspaceLine = { id: string, name: string, country: string, 
/**
 * The country's ISO code; `None` for a name not in the list (set
 * before the list was enforced): the page asks to correct it.
 */
country_code: string | null, created_at: number, members: Array<MemberLine>, };

/** The kinds of document each workspace role may write (`Role::may_write`). */
export const ROLE_WRITES: Record<Role, Kind[]> = {"counterpart":["engagement","assessment","plan","monitoring"],"editor":["engagement","assessment","plan","monitoring"],"owner":["engagement","assessment","plan","monitoring"],"viewer":[]};

/** Where a role may change only some top-level fields of a kind: those fields (`Role::reach`). */
export const ROLE_PARTS: Record<Role, Partial<Record<Kind, readonly string[]>>> = {"counterpart":{"assessment":["responses","participants","findings","validation_record"],"engagement":["scope","capacity_areas","prioritisation"]},"editor":{},"owner":{},"viewer":{}};

/** Power and interest are rated 1 to this (an even scale). */
export const GRID_MAX = 4;

/** The quadrant of each rating: `QUADRANT_OF[power - 1][interest - 1]` (`engagement::quadrant`). */
export const QUADRANT_OF: readonly (readonly Quadrant[])[] = [["monitor","monitor","keep_informed","keep_informed"],["monitor","monitor","keep_informed","keep_informed"],["keep_satisfied","keep_satisfied","manage_closely","manage_closely"],["keep_satisfied","keep_satisfied","manage_closely","manage_closely"]];

/** Every country a workspace may be in: [ISO 3166-1 code, English name] (`cd4mm_core::country`). */
export const COUNTRIES: readonly (readonly [string, string])[] = [["AF","Afghanistan"],["AL","Albania"],["DZ","Algeria"],["AS","American Samoa"],["AD","Andorra"],["AO","Angola"],["AI","Anguilla"],["AQ","Antarctica"],["AG","Antigua and Barbuda"],["AR","Argentina"],["AM","Armenia"],["AW","Aruba"],["AU","Australia"],["AT","Austria"],["AZ","Azerbaijan"],["BS","Bahamas"],["BH","Bahrain"],["BD","Bangladesh"],["BB","Barbados"],["BY","Belarus"],["BE","Belgium"],["BZ","Belize"],["BJ","Benin"],["BM","Bermuda"],["BT","Bhutan"],["BO","Bolivia"],["BQ","Bonaire, Sint Eustatius and Saba"],["BA","Bosnia and Herzegovina"],["BW","Botswana"],["BV","Bouvet Island"],["BR","Brazil"],["IO","British Indian Ocean Territory"],["BN","Brunei Darussalam"],["BG","Bulgaria"],["BF","Burkina Faso"],["BI","Burundi"],["CV","Cabo Verde"],["KH","Cambodia"],["CM","Cameroon"],["CA","Canada"],["KY","Cayman Islands"],["CF","Central African Republic"],["TD","Chad"],["CL","Chile"],["CN","China"],["CX","Christmas Island"],["CC","Cocos (Keeling) Islands"],["CO","Colombia"],["KM","Comoros"],["CG","Congo"],["CD","Congo, The Democratic Republic of the"],["CK","Cook Islands"],["CR","Costa Rica"],["HR","Croatia"],["CU","Cuba"],["CW","Curaçao"],["CY","Cyprus"],["CZ","Czechia"],["CI","Côte d'Ivoire"],["DK","Denmark"],["DJ","Djibouti"],["DM","Dominica"],["DO","Dominican Republic"],["EC","Ecuador"],["EG","Egypt"],["SV","El Salvador"],["GQ","Equatorial Guinea"],["ER","Eritrea"],["EE","Estonia"],["SZ","Eswatini"],["ET","Ethiopia"],["FK","Falkland Islands (Malvinas)"],["FO","Faroe Islands"],["FJ","Fiji"],["FI","Finland"],["FR","France"],["GF","French Guiana"],["PF","French Polynesia"],["TF","French Southern Territories"],["GA","Gabon"],["GM","Gambia"],["GE","Georgia"],["DE","Germany"],["GH","Ghana"],["GI","Gibraltar"],["GR","Greece"],["GL","Greenland"],["GD","Grenada"],["GP","Guadeloupe"],["GU","Guam"],["GT","Guatemala"],["GG","Guernsey"],["GN","Guinea"],["GW","Guinea-Bissau"],["GY","Guyana"],["HT","Haiti"],["HM","Heard Island and McDonald Islands"],["VA","Holy See (Vatican City State)"],["HN","Honduras"],["HK","Hong Kong"],["HU","Hungary"],["IS","Iceland"],["IN","India"],["ID","Indonesia"],["IR","Iran"],["IQ","Iraq"],["IE","Ireland"],["IM","Isle of Man"],["IL","Israel"],["IT","Italy"],["JM","Jamaica"],["JP","Japan"],["JE","Jersey"],["JO","Jordan"],["KZ","Kazakhstan"],["KE","Kenya"],["KI","Kiribati"],["KW","Kuwait"],["KG","Kyrgyzstan"],["LA","Laos"],["LV","Latvia"],["LB","Lebanon"],["LS","Lesotho"],["LR","Liberia"],["LY","Libya"],["LI","Liechtenstein"],["LT","Lithuania"],["LU","Luxembourg"],["MO","Macao"],["MG","Madagascar"],["MW","Malawi"],["MY","Malaysia"],["MV","Maldives"],["ML","Mali"],["MT","Malta"],["MH","Marshall Islands"],["MQ","Martinique"],["MR","Mauritania"],["MU","Mauritius"],["YT","Mayotte"],["MX","Mexico"],["FM","Micronesia, Federated States of"],["MD","Moldova"],["MC","Monaco"],["MN","Mongolia"],["ME","Montenegro"],["MS","Montserrat"],["MA","Morocco"],["MZ","Mozambique"],["MM","Myanmar"],["NA","Namibia"],["NR","Nauru"],["NP","Nepal"],["NL","Netherlands"],["NC","New Caledonia"],["NZ","New Zealand"],["NI","Nicaragua"],["NE","Niger"],["NG","Nigeria"],["NU","Niue"],["NF","Norfolk Island"],["KP","North Korea"],["MK","North Macedonia"],["MP","Northern Mariana Islands"],["NO","Norway"],["OM","Oman"],["PK","Pakistan"],["PW","Palau"],["PS","Palestine, State of"],["PA","Panama"],["PG","Papua New Guinea"],["PY","Paraguay"],["PE","Peru"],["PH","Philippines"],["PN","Pitcairn"],["PL","Poland"],["PT","Portugal"],["PR","Puerto Rico"],["QA","Qatar"],["RO","Romania"],["RU","Russian Federation"],["RW","Rwanda"],["RE","Réunion"],["BL","Saint Barthélemy"],["SH","Saint Helena, Ascension and Tristan da Cunha"],["KN","Saint Kitts and Nevis"],["LC","Saint Lucia"],["MF","Saint Martin (French part)"],["PM","Saint Pierre and Miquelon"],["VC","Saint Vincent and the Grenadines"],["WS","Samoa"],["SM","San Marino"],["ST","Sao Tome and Principe"],["SA","Saudi Arabia"],["SN","Senegal"],["RS","Serbia"],["SC","Seychelles"],["SL","Sierra Leone"],["SG","Singapore"],["SX","Sint Maarten (Dutch part)"],["SK","Slovakia"],["SI","Slovenia"],["SB","Solomon Islands"],["SO","Somalia"],["ZA","South Africa"],["GS","South Georgia and the South Sandwich Islands"],["KR","South Korea"],["SS","South Sudan"],["ES","Spain"],["LK","Sri Lanka"],["SD","Sudan"],["SR","Suriname"],["SJ","Svalbard and Jan Mayen"],["SE","Sweden"],["CH","Switzerland"],["SY","Syria"],["TW","Taiwan"],["TJ","Tajikistan"],["TZ","Tanzania"],["TH","Thailand"],["TL","Timor-Leste"],["TG","Togo"],["TK","Tokelau"],["TO","Tonga"],["TT","Trinidad and Tobago"],["TN","Tunisia"],["TM","Turkmenistan"],["TC","Turks and Caicos Islands"],["TV","Tuvalu"],["TR","Türkiye"],["UG","Uganda"],["UA","Ukraine"],["AE","United Arab Emirates"],["GB","United Kingdom"],["US","United States"],["UM","United States Minor Outlying Islands"],["UY","Uruguay"],["UZ","Uzbekistan"],["VU","Vanuatu"],["VE","Venezuela"],["VN","Vietnam"],["VG","Virgin Islands, British"],["VI","Virgin Islands, U.S."],["WF","Wallis and Futuna"],["EH","Western Sahara"],["YE","Yemen"],["ZM","Zambia"],["ZW","Zimbabwe"],["AX","Åland Islands"]];

/** The fewest characters a new password has (`administration::MIN_PASSWORD_CHARS`). */
export const MIN_PASSWORD_CHARS = 10;
