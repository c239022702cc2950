//! Regional consolidation: what a regional office sees across the engagements
//! of many countries.
//!
//! A dashboard never opens documents. Each document is reduced, when it
//! changes, to its [`Facts`] (a few hundred bytes: an assessment keeps its
//! averages, not its questionnaire), which the server keeps beside it; a
//! dashboard is [`dashboard`] over the facts of the workspaces a user may
//! read. The figures reuse the domain's own computations (averages and gaps in
//! [`crate::assessment`], progress and indicator status in [`crate::plan`]),
//! so a number on the dashboard is the number on the engagement's own pages.

use crate::assessment::{Dimension, DimensionScore};
use crate::monitoring::Monitoring;
use crate::plan::{IndicatorStatus, Plan};
use crate::vocabulary::{ActivityStatus, Area, PhaseState};
use crate::{Content, Date};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the regional views need from one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Facts {
    Engagement {
        title: String,
        area: Option<Area>,
        /// The phase the engagement is in: the first not done (1–5), or 6 when
        /// all five are done.
        phase: u8,
    },
    Assessment {
        template: Option<String>,
        /// When it was done: completed, else started.
        on: Option<Date>,
        baseline_id: Option<String>,
        averages: Vec<DimensionScore>,
    },
    /// Plans and monitoring are small; kept whole so progress and indicator
    /// status are computed by the plan's own code.
    Plan(Plan),
    Monitoring(Monitoring),
    Toolbox,
}

impl Facts {
    pub fn of(content: &Content) -> Facts {
        match content {
            Content::Engagement(e) => {
                let p = &e.phases;
                let states = [p.engagement, p.assessment, p.response, p.implementation, p.monitoring];
                let phase = states.iter().position(|s| *s != PhaseState::Done).map_or(6, |i| i as u8 + 1);
                Facts::Engagement { title: e.title.clone(), area: e.area, phase }
            }
            Content::Assessment(a) => Facts::Assessment {
                template: a.template.as_ref().map(|t| t.id.clone()),
                on: a.completed_on.or(a.started_on),
                baseline_id: a.baseline_id.clone(),
                averages: a.averages(),
            },
            Content::Plan(p) => Facts::Plan(p.clone()),
            Content::Monitoring(m) => Facts::Monitoring(m.clone()),
            Content::Toolbox(_) => Facts::Toolbox,
        }
    }
}

/// One workspace as the dashboard sees it: its country and its documents' facts.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkspaceFacts {
    pub id: String,
    pub country: String,
    /// `(document id, facts)`.
    pub documents: Vec<(String, Facts)>,
}

/// Which dimension the heatmap and the change table are drawn by.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    #[default]
    LevelCoreIssue,
    FunctionalCapacity,
    Section,
}

impl By {
    pub const ALL: &'static [By] = &[By::LevelCoreIssue, By::FunctionalCapacity, By::Section];

    fn takes(self, d: &Dimension) -> bool {
        matches!(
            (self, d),
            (By::LevelCoreIssue, Dimension::LevelCoreIssue { .. })
                | (By::FunctionalCapacity, Dimension::FunctionalCapacity { .. })
                | (By::Section, Dimension::Section { .. })
        )
    }
}

/// What the user narrowed the dashboard to. Empty fields do not filter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub country: Option<String>,
    /// Thematic area of the engagement.
    pub area: Option<Area>,
    /// Assessment template.
    pub template: Option<String>,
    /// Assessments done in this period (inclusive).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub by: By,
}

impl Filter {
    fn takes_assessment(&self, template: Option<&String>, on: Option<Date>) -> bool {
        self.template.as_ref().is_none_or(|t| template == Some(t))
            && self.from.is_none_or(|from| on.is_some_and(|d| d >= from))
            && self.to.is_none_or(|to| on.is_some_and(|d| d <= to))
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Dashboard {
    pub engagements: Vec<EngagementLine>,
    /// Mean gap (desired − existing) by country and dimension, over the latest
    /// assessment of each workspace that passes the filter.
    pub heatmap: Vec<HeatCell>,
    pub plans: PlanTotals,
    pub indicators: BTreeMap<IndicatorStatus, usize>,
    /// Mean existing score by dimension, over every re-assessment that passes
    /// the filter and the baseline it names.
    pub change: Vec<ChangeLine>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementLine {
    pub workspace: String,
    pub country: String,
    pub title: String,
    pub area: Option<Area>,
    pub phase: u8,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatCell {
    pub country: String,
    pub dimension: Dimension,
    pub gap: f64,
    /// How many assessments (one per workspace) the mean is over.
    pub assessments: usize,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlanTotals {
    pub plans: usize,
    pub activities: BTreeMap<ActivityStatus, usize>,
    /// Budget and spending per currency, by currency code: amounts in
    /// different currencies are never added up (there is no exchange rate).
    pub budgets: Vec<Budget>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Budget {
    /// The plans' ISO 4217 code, upper case; empty where a plan names none.
    pub currency: String,
    pub plans: usize,
    pub planned: f64,
    pub spent: f64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeLine {
    pub dimension: Dimension,
    pub baseline: f64,
    pub current: f64,
    pub change: f64,
    /// Re-assessment/baseline pairs the means are over.
    pub pairs: usize,
}

/// The dashboard over `workspaces` (already limited to what the user may read).
pub fn dashboard(workspaces: &[WorkspaceFacts], filter: &Filter) -> Dashboard {
    let mut out = Dashboard::default();
    let mut gaps: BTreeMap<(String, Dimension), Vec<f64>> = BTreeMap::new();
    let mut change: BTreeMap<Dimension, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for ws in workspaces {
        if filter.country.as_ref().is_some_and(|c| !c.eq_ignore_ascii_case(&ws.country)) {
            continue;
        }
        let engagement = ws.documents.iter().find_map(|(_, f)| match f {
            Facts::Engagement { title, area, phase } => Some((title, *area, *phase)),
            _ => None,
        });
        if filter.area.is_some() && engagement.and_then(|e| e.1) != filter.area {
            continue;
        }
        if let Some((title, area, phase)) = engagement {
            out.engagements.push(EngagementLine {
                workspace: ws.id.clone(),
                country: ws.country.clone(),
                title: title.clone(),
                area,
                phase,
            });
        }

        // Assessments that pass the filter, the latest first.
        let mut assessments: Vec<Rated<'_>> = ws
            .documents
            .iter()
            .filter_map(|(id, f)| match f {
                Facts::Assessment { template, on, baseline_id, averages }
                    if filter.takes_assessment(template.as_ref(), *on) =>
                {
                    Some(Rated { id, on: *on, baseline_id: baseline_id.as_deref(), averages })
                }
                _ => None,
            })
            .collect();
        assessments.sort_by(|a, b| b.on.cmp(&a.on).then(b.id.cmp(a.id)));
        if let Some(latest) = assessments.first() {
            for s in latest.averages.iter().filter(|s| filter.by.takes(&s.dimension)) {
                if let Some(gap) = s.gap {
                    gaps.entry((ws.country.clone(), s.dimension.clone())).or_default().push(gap);
                }
            }
        }
        for current in &assessments {
            let baseline = current.baseline_id.and_then(|b| {
                ws.documents.iter().find_map(|(id, f)| match f {
                    Facts::Assessment { averages, .. } if id == b => Some(averages),
                    _ => None,
                })
            });
            let Some(baseline) = baseline else { continue };
            for now in current.averages.iter().filter(|s| filter.by.takes(&s.dimension)) {
                let then = baseline.iter().find(|s| s.dimension == now.dimension).and_then(|s| s.existing);
                if let (Some(then), Some(now_existing)) = (then, now.existing) {
                    let entry = change.entry(now.dimension.clone()).or_default();
                    entry.0.push(then);
                    entry.1.push(now_existing);
                }
            }
        }

        // Plans, with the monitoring documents that report on them.
        for (plan_id, f) in &ws.documents {
            let Facts::Plan(plan) = f else { continue };
            let monitoring: Vec<&Monitoring> = ws
                .documents
                .iter()
                .filter_map(|(_, f)| match f {
                    Facts::Monitoring(m) if &m.plan_id == plan_id => Some(m),
                    _ => None,
                })
                .collect();
            let progress = plan.progress(&monitoring);
            out.plans.plans += 1;
            let currency = plan.currency.trim().to_uppercase();
            let budgets = &mut out.plans.budgets;
            let at = match budgets.binary_search_by(|b| b.currency.cmp(&currency)) {
                Ok(at) => at,
                Err(at) => {
                    budgets.insert(at, Budget { currency, ..Budget::default() });
                    at
                }
            };
            budgets[at].plans += 1;
            budgets[at].planned += progress.budget;
            budgets[at].spent += progress.spent;
            for (status, n) in progress.by_status {
                *out.plans.activities.entry(status).or_insert(0) += n;
            }
            for (_, indicator) in plan.indicators() {
                let latest = monitoring.iter().filter_map(|m| m.latest(&indicator.id)).max_by(|a, b| a.0.cmp(&b.0));
                *out.indicators.entry(indicator.status(latest)).or_insert(0) += 1;
            }
        }
    }
    out.heatmap = gaps
        .into_iter()
        .map(|((country, dimension), g)| HeatCell { country, dimension, gap: mean(&g), assessments: g.len() })
        .collect();
    out.change = change
        .into_iter()
        .map(|(dimension, (then, now))| {
            let (baseline, current) = (mean(&then), mean(&now));
            ChangeLine { dimension, baseline, current, change: current - baseline, pairs: then.len() }
        })
        .collect();
    out
}

/// An assessment that passed the filter.
struct Rated<'a> {
    id: &'a str,
    on: Option<Date>,
    baseline_id: Option<&'a str>,
    averages: &'a [DimensionScore],
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}
