//! The closed lists of the domain (see `DOMAIN.md`): levels, core issues,
//! functional capacities, stakeholder types, activity types and the like.
//!
//! They are stored in documents by their snake_case code (serde's name for the
//! variant). Renaming a variant breaks documents in the field; adding one is safe
//! for newer apps only, so add them together with a schema version.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order users see them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in documents, e.g. `enabling_environment`.
            pub fn code(self) -> String {
                crate::vocabulary::code_of(&self)
            }
        }
    };
}

pub(crate) fn code_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

vocabulary!(
    /// Points of entry of an assessment (UNDP framework).
    Level { EnablingEnvironment, Organisation, Individual }
);

vocabulary!(
    /// The four core issues of the UNDP framework.
    CoreIssue { InstitutionalArrangements, Leadership, Knowledge, Accountability }
);

vocabulary!(
    /// The five functional (cross-cutting) capacities.
    FunctionalCapacity { EngageStakeholders, AssessAndVision, FormulatePolicy, BudgetManageImplement, Evaluate }
);

vocabulary!(
    /// Who a stakeholder is.
    StakeholderType {
        Ministry,
        BorderOrMigrationAgency,
        LocalGovernment,
        ParliamentOrJudiciary,
        CivilSociety,
        PrivateSector,
        MigrantsAndDiaspora,
        Academia,
        InternationalOrganisation,
        Donor,
    }
);

vocabulary!(
    /// A stakeholder's position towards the engagement.
    Stance { Supportive, Neutral, Resistant }
);

vocabulary!(
    /// Mendelow's power/interest quadrants: how to engage a stakeholder.
    Quadrant { ManageClosely, KeepSatisfied, KeepInformed, Monitor }
);

vocabulary!(
    /// Migration-management areas used to tag engagements and toolbox entries.
    Area {
        BorderManagement,
        LabourMigration,
        CounterTraffickingProtection,
        ReturnReintegration,
        MigrationDevelopment,
        MigrationData,
        CrisisDisplacement,
        MigrationHealth,
        PolicyGovernance,
        CrossCutting,
    }
);

vocabulary!(
    /// Where an engagement stands in one of the five phases.
    PhaseState { NotStarted, InProgress, Done }
);

vocabulary!(
    /// Kinds of engagement-log entries.
    ContactKind { Meeting, Workshop, Call, Email, FieldVisit, Other }
);

vocabulary!(
    /// How an assessment was carried out.
    Method { SelfAssessmentWorkshop, Interviews, FocusGroups, DocumentReview, Mixed }
);

vocabulary!(
    /// How sure the assessors are of a score.
    Confidence { Low, Medium, High }
);

vocabulary!(
    /// Where an assessment stands with the partner.
    Validation { Draft, UnderValidation, Validated }
);

vocabulary!(
    /// Kinds of capacity-development activities.
    ActivityType {
        Training,
        TrainingOfTrainers,
        MentoringCoaching,
        SopOrGuideline,
        EquipmentInfrastructure,
        InformationSystem,
        PolicyLegalAdvice,
        InstitutionalReform,
        StudyVisitPeerExchange,
        CoordinationMechanism,
        AwarenessRaising,
        DataResearch,
    }
);

vocabulary!(
    /// Where an activity stands.
    ActivityStatus { Planned, InProgress, Delayed, Completed, Cancelled }
);

vocabulary!(
    /// Likelihood or impact of a risk.
    Rating { Low, Medium, High }
);

vocabulary!(
    /// Whether an indicator should go up or down.
    Direction { Increase, Decrease }
);

vocabulary!(
    /// Sex, for disaggregated reporting.
    Sex { Female, Male, Other, NotRecorded }
);

vocabulary!(
    /// Age groups, for disaggregated reporting.
    AgeGroup { Under25, From25To39, From40To54, From55, NotRecorded }
);

vocabulary!(
    /// Severity of an implementation issue.
    Severity { Low, Medium, High }
);

vocabulary!(
    /// Evaluation criteria (OECD-DAC, 2019), used to file lessons.
    Criterion { Relevance, Coherence, Effectiveness, Efficiency, Impact, Sustainability }
);

vocabulary!(
    /// How often an indicator is measured.
    Frequency { Monthly, Quarterly, SixMonthly, Yearly, MidAndEndOfPlan, EndOfPlan }
);

vocabulary!(
    /// When an activity is meant to show its effect.
    Horizon { ShortTerm, MediumTerm, LongTerm }
);

vocabulary!(
    /// What an indicator's measurements are broken down by in reports.
    Disaggregation { Sex, AgeGroup, Institution }
);

vocabulary!(
    /// Where a risk stands at its latest review.
    RiskStatus { Open, Occurred, Closed }
);

vocabulary!(
    /// When and by whom an evaluation is made.
    EvaluationType { MidTerm, Final, ExPost, Internal }
);

vocabulary!(
    /// Where a management response to a recommendation stands.
    ResponseStatus { Planned, InProgress, Done, NotAccepted }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case() {
        assert_eq!(Level::EnablingEnvironment.code(), "enabling_environment");
        assert_eq!(ActivityType::SopOrGuideline.code(), "sop_or_guideline");
        assert_eq!(Level::ALL.len(), 3);
        assert_eq!(FunctionalCapacity::ALL.len(), 5);
        assert_eq!(CoreIssue::ALL.len(), 4);
    }
}
