// Generated from the Rust definitions (crates/app/src/bindings.rs) by `UPDATE_BINDINGS=1 cargo test -p cd4mm-app`.
// Do not edit: change the Rust and regenerate.

/** Every value of each enumeration, in the order people see them (the Rust `ALL` lists). */
import type { ActivityStatus, ActivityType, AgeGroup, Area, By, Confidence, ContactKind, CoreIssue, Criterion, Direction, Disaggregation, EntryKind, EvaluationType, Frequency, FunctionalCapacity, Horizon, IndicatorStatus, Level, Measure, Method, PhaseState, Quadrant, Rating, ResponseStatus, RiskStatus, Role, Severity, Sex, StakeholderType, Stance, SyncState, Validation } from './bindings';

export const LEVELS = ["enabling_environment","organisation","individual"] as const satisfies readonly Level[];
export const CORE_ISSUES = ["institutional_arrangements","leadership","knowledge","accountability"] as const satisfies readonly CoreIssue[];
export const FUNCTIONAL_CAPACITIES = ["engage_stakeholders","assess_and_vision","formulate_policy","budget_manage_implement","evaluate"] as const satisfies readonly FunctionalCapacity[];
export const STAKEHOLDER_TYPES = ["ministry","border_or_migration_agency","local_government","parliament_or_judiciary","civil_society","private_sector","migrants_and_diaspora","academia","international_organisation","donor"] as const satisfies readonly StakeholderType[];
export const STANCES = ["supportive","neutral","resistant"] as const satisfies readonly Stance[];
export const AREAS = ["border_management","labour_migration","counter_trafficking_protection","return_reintegration","migration_development","migration_data","crisis_displacement","migration_health","policy_governance","cross_cutting"] as const satisfies readonly Area[];
export const PHASE_STATES = ["not_started","in_progress","done"] as const satisfies readonly PhaseState[];
export const CONTACT_KINDS = ["meeting","workshop","call","email","field_visit","other"] as const satisfies readonly ContactKind[];
export const METHODS = ["self_assessment_workshop","interviews","focus_groups","document_review","mixed"] as const satisfies readonly Method[];
export const CONFIDENCES = ["low","medium","high"] as const satisfies readonly Confidence[];
export const VALIDATIONS = ["draft","under_validation","validated"] as const satisfies readonly Validation[];
export const ACTIVITY_TYPES = ["training","training_of_trainers","mentoring_coaching","sop_or_guideline","equipment_infrastructure","information_system","policy_legal_advice","institutional_reform","study_visit_peer_exchange","coordination_mechanism","awareness_raising","data_research"] as const satisfies readonly ActivityType[];
export const ACTIVITY_STATUSES = ["planned","in_progress","delayed","completed","cancelled"] as const satisfies readonly ActivityStatus[];
export const RATINGS = ["low","medium","high"] as const satisfies readonly Rating[];
export const DIRECTIONS = ["increase","decrease"] as const satisfies readonly Direction[];
export const SEXES = ["female","male","other","not_recorded"] as const satisfies readonly Sex[];
export const AGE_GROUPS = ["under25","from25_to39","from40_to54","from55","not_recorded"] as const satisfies readonly AgeGroup[];
export const SEVERITIES = ["low","medium","high"] as const satisfies readonly Severity[];
export const CRITERIA = ["relevance","coherence","effectiveness","efficiency","impact","sustainability"] as const satisfies readonly Criterion[];
export const FREQUENCIES = ["monthly","quarterly","six_monthly","yearly","mid_and_end_of_plan","end_of_plan"] as const satisfies readonly Frequency[];
export const HORIZONS = ["short_term","medium_term","long_term"] as const satisfies readonly Horizon[];
export const DISAGGREGATIONS = ["sex","age_group","institution"] as const satisfies readonly Disaggregation[];
export const RISK_STATUSES = ["open","occurred","closed"] as const satisfies readonly RiskStatus[];
export const EVALUATION_TYPES = ["mid_term","final","ex_post","internal"] as const satisfies readonly EvaluationType[];
export const RESPONSE_STATUSES = ["planned","in_progress","done","not_accepted"] as const satisfies readonly ResponseStatus[];
export const INDICATOR_STATUSES = ["no_data","on_track","at_risk","off_track","achieved"] as const satisfies readonly IndicatorStatus[];
export const ENTRY_KINDS = ["tool","case_example"] as const satisfies readonly EntryKind[];
export const SYNC_STATES = ["local_only","offline","syncing","online","error"] as const satisfies readonly SyncState[];
export const ROLES = ["owner","editor","counterpart","viewer"] as const satisfies readonly Role[];
export const QUADRANTS = ["manage_closely","keep_satisfied","keep_informed","monitor"] as const satisfies readonly Quadrant[];
export const BYS = ["level_core_issue","functional_capacity","section"] as const satisfies readonly By[];
export const MEASURES = ["share_of_scale","scale_points"] as const satisfies readonly Measure[];

/** Message-key prefix of each enumeration, as `label(prefix, value)` uses it. */
export const ENUMERATIONS: Record<string, readonly string[]> = {
  "level": LEVELS,
  "coreIssue": CORE_ISSUES,
  "functionalCapacity": FUNCTIONAL_CAPACITIES,
  "stakeholderType": STAKEHOLDER_TYPES,
  "stance": STANCES,
  "area": AREAS,
  "phaseState": PHASE_STATES,
  "contactKind": CONTACT_KINDS,
  "method": METHODS,
  "confidence": CONFIDENCES,
  "validation": VALIDATIONS,
  "activityType": ACTIVITY_TYPES,
  "activityStatus": ACTIVITY_STATUSES,
  "rating": RATINGS,
  "direction": DIRECTIONS,
  "sex": SEXES,
  "ageGroup": AGE_GROUPS,
  "severity": SEVERITIES,
  "criterion": CRITERIA,
  "frequency": FREQUENCIES,
  "horizon": HORIZONS,
  "disaggregation": DISAGGREGATIONS,
  "riskStatus": RISK_STATUSES,
  "evaluationType": EVALUATION_TYPES,
  "responseStatus": RESPONSE_STATUSES,
  "indicatorStatus": INDICATOR_STATUSES,
  "entryKind": ENTRY_KINDS,
  "syncState": SYNC_STATES,
  "role": ROLES,
  "quadrant": QUADRANTS,
  "region.by": BYS,
  "region.measure": MEASURES,
};
