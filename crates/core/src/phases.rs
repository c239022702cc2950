//! Where the five phases stand, read from the workspace's documents as well
//! as from what the team marked.
//!
//! The team's marks alone go stale: a plan that has spent most of its budget
//! under a phase 3 still marked "not started" tells a regional officer
//! nothing true. A phase is therefore at least as far as its documents show,
//! and never less far than the team marked it (a team may close a phase the
//! documents cannot prove closed, e.g. after an evaluation held on paper).

use crate::Content;
use crate::engagement::Phases;
use crate::monitoring::Monitoring;
use crate::plan::Plan;
use crate::vocabulary::{ActivityStatus, PhaseState, Validation};
use serde::{Deserialize, Serialize};

/// What the documents show, phase by phase. Each flag is a fact a reader can
/// check on the documents' own pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Evidence {
    /// An engagement document exists.
    pub engaged: bool,
    /// Its stakeholders are mapped and its scope agreed on a date.
    pub mapped: bool,
    /// Some assessment exists.
    pub assessed: bool,
    /// A baseline assessment is validated by the partner.
    pub validated: bool,
    /// Some plan exists.
    pub planned: bool,
    /// A plan has activities with indicators to follow them by.
    pub plan_ready: bool,
    /// Some activity has a progress update.
    pub reported: bool,
    /// Every activity not cancelled is completed, by its latest update.
    pub delivered: bool,
    /// Results are followed: measurements, lessons or a re-assessment.
    pub followed_up: bool,
}

impl Evidence {
    /// The evidence in a workspace's documents, `(document id, content)`.
    pub fn of<'a>(contents: impl IntoIterator<Item = (&'a str, &'a Content)>) -> Evidence {
        let mut e = Evidence::default();
        let (mut plans, mut monitoring): (Vec<(&str, &Plan)>, Vec<&Monitoring>) = (Vec::new(), Vec::new());
        for (id, content) in contents {
            match content {
                Content::Engagement(g) => {
                    e.engaged = true;
                    e.mapped |= !g.stakeholders.is_empty() && g.scope.agreed_on.is_some();
                }
                Content::Assessment(a) => e.assessment(a.baseline_id.is_some(), a.validation == Validation::Validated),
                Content::Plan(p) => plans.push((id, p)),
                Content::Monitoring(m) => monitoring.push(m),
                Content::Toolbox(_) => {}
            }
        }
        e.plans_and_monitoring(&plans, &monitoring);
        e
    }

    /// Count one assessment in.
    pub fn assessment(&mut self, reassessment: bool, validated: bool) {
        self.assessed = true;
        self.validated |= !reassessment && validated;
        self.followed_up |= reassessment;
    }

    /// Count a workspace's plans (`(document id, plan)`) and monitoring
    /// documents in; each plan is read with the monitoring documents that
    /// follow it only (activity ids are unique within a plan, not across).
    pub fn plans_and_monitoring(&mut self, plans: &[(&str, &Plan)], monitoring: &[&Monitoring]) {
        self.planned |= !plans.is_empty();
        self.plan_ready |= plans.iter().any(|(_, p)| {
            let mut activities = p.activities().map(|(_, _, a)| a).peekable();
            activities.peek().is_some() && !p.indicators().is_empty()
        });
        self.reported |= monitoring.iter().any(|m| !m.progress.is_empty());
        self.followed_up |= monitoring.iter().any(|m| !m.measurements.is_empty() || !m.lessons.is_empty());
        self.delivered |= !plans.is_empty()
            && plans.iter().all(|(id, p)| {
                let own: Vec<&Monitoring> = monitoring.iter().copied().filter(|m| m.plan_id == *id).collect();
                let progress = p.progress(&own);
                let done = progress.by_status.get(&ActivityStatus::Completed).copied().unwrap_or(0);
                let cancelled = progress.by_status.get(&ActivityStatus::Cancelled).copied().unwrap_or(0);
                done > 0 && done + cancelled == progress.activities
            });
    }

    /// Each phase as far as the documents show it. A phase is done when what
    /// it produces exists and the work it leads to has begun.
    pub fn shown(&self) -> Phases {
        let state = |done: bool, begun: bool| match (done, begun) {
            (true, _) => PhaseState::Done,
            (false, true) => PhaseState::InProgress,
            _ => PhaseState::NotStarted,
        };
        Phases {
            engagement: state(self.mapped && self.assessed, self.engaged),
            assessment: state(self.validated, self.assessed),
            response: state(self.plan_ready && self.reported, self.planned),
            implementation: state(self.delivered, self.reported),
            // Closing the cycle is the team's call (an evaluation, a hand-over).
            monitoring: state(false, self.followed_up),
        }
    }
}

/// The phases as the overview and the region show them: each at least as far
/// as the team marked it and as the documents show it.
pub fn states(team: &Phases, evidence: &Evidence) -> Phases {
    let shown = evidence.shown();
    Phases {
        engagement: team.engagement.max(shown.engagement),
        assessment: team.assessment.max(shown.assessment),
        response: team.response.max(shown.response),
        implementation: team.implementation.max(shown.implementation),
        monitoring: team.monitoring.max(shown.monitoring),
    }
}

/// The phase an engagement is in: the first not done (1–5), or 6 when all
/// five are.
pub fn current(phases: &Phases) -> u8 {
    let all = [phases.engagement, phases.assessment, phases.response, phases.implementation, phases.monitoring];
    all.iter().position(|s| *s != PhaseState::Done).map_or(6, |i| i as u8 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::ProgressUpdate;
    use crate::plan::{Activity, Indicator, Outcome, Output};

    fn plan() -> Plan {
        let activity = Activity {
            id: "a".into(),
            title: "Training".into(),
            budget: 10_000.0,
            indicators: vec![Indicator { id: "i".into(), name: "Officers trained".into(), ..Indicator::default() }],
            ..Activity::default()
        };
        Plan {
            title: "Plan".into(),
            outcomes: vec![Outcome {
                id: "oc".into(),
                outputs: vec![Output { id: "op".into(), activities: vec![activity], ..Output::default() }],
                ..Outcome::default()
            }],
            ..Plan::default()
        }
    }

    fn spent(status: ActivityStatus, spent: f64) -> Monitoring {
        Monitoring {
            plan_id: "plan".into(),
            progress: vec![ProgressUpdate {
                id: "u".into(),
                activity_id: "a".into(),
                status,
                spent,
                ..ProgressUpdate::default()
            }],
            ..Monitoring::default()
        }
    }

    #[test]
    fn a_plan_that_has_spent_is_not_a_phase_not_started() {
        // The team never moved phase 3 or 4 off "not started"; 88 % is spent.
        let team = Phases::default();
        let contents =
            [("plan", Content::Plan(plan())), ("m", Content::Monitoring(spent(ActivityStatus::InProgress, 8_800.0)))];
        let s = states(&team, &Evidence::of(contents.iter().map(|(id, c)| (*id, c))));
        assert_eq!((s.response, s.implementation), (PhaseState::Done, PhaseState::InProgress));
        assert_eq!(s.monitoring, PhaseState::NotStarted);

        let done =
            [("plan", Content::Plan(plan())), ("m", Content::Monitoring(spent(ActivityStatus::Completed, 9_500.0)))];
        assert_eq!(states(&team, &Evidence::of(done.iter().map(|(id, c)| (*id, c)))).implementation, PhaseState::Done);

        // Another plan's monitoring, whose activity has the same id, says
        // nothing of this plan.
        let other = Monitoring { plan_id: "other".into(), ..spent(ActivityStatus::Completed, 9_500.0) };
        let mixed = [("plan", Content::Plan(plan())), ("m", Content::Monitoring(other))];
        assert_eq!(
            states(&team, &Evidence::of(mixed.iter().map(|(id, c)| (*id, c)))).implementation,
            PhaseState::InProgress
        );
    }

    #[test]
    fn the_team_can_go_further_than_the_documents_but_not_back() {
        let team = Phases { monitoring: PhaseState::Done, assessment: PhaseState::NotStarted, ..Phases::default() };
        let e = Evidence { assessed: true, ..Evidence::default() };
        let s = states(&team, &e);
        assert_eq!((s.assessment, s.monitoring), (PhaseState::InProgress, PhaseState::Done));
        assert_eq!(current(&s), 1);
        let all = Phases {
            engagement: PhaseState::Done,
            assessment: PhaseState::Done,
            response: PhaseState::Done,
            implementation: PhaseState::Done,
            monitoring: PhaseState::Done,
        };
        assert_eq!(current(&all), 6);
    }
}
