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
use crate::engagement::Phases;
use crate::monitoring::{Headcount, Monitoring};
use crate::phases::Evidence;
use crate::plan::{IndicatorStatus, Plan};
use crate::template::Purpose;
use crate::vocabulary::{ActivityStatus, Area, Validation};
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
        /// The phases as the team marked them; the dashboard adds what the
        /// workspace's documents show ([`crate::phases`]).
        #[serde(default)]
        phases: Phases,
        /// Stakeholders mapped and scope agreed.
        #[serde(default)]
        mapped: bool,
    },
    Assessment {
        template: Option<String>,
        /// When it was done: completed, else started.
        on: Option<Date>,
        baseline_id: Option<String>,
        averages: Vec<DimensionScore>,
        #[serde(default)]
        validated: bool,
        /// What the template is for: only capacity-gap assessments meet on
        /// the heatmap.
        #[serde(default)]
        purpose: Purpose,
        /// The lowest and highest points of its scale.
        #[serde(default)]
        scale: Option<(i64, i64)>,
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
            Content::Engagement(e) => Facts::Engagement {
                title: e.title.clone(),
                area: e.area,
                phases: e.phases.clone(),
                mapped: Evidence::of([("", content)]).mapped,
            },
            Content::Assessment(a) => Facts::Assessment {
                template: a.template.as_ref().map(|t| t.id.clone()),
                on: a.completed_on.or(a.started_on),
                baseline_id: a.baseline_id.clone(),
                averages: a.averages(),
                validated: a.validation == Validation::Validated,
                purpose: a.template.as_ref().map(|t| t.purpose()).unwrap_or_default(),
                scale: a.template.as_ref().and_then(|t| t.scale_range()),
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

impl WorkspaceFacts {
    /// What the workspace's documents show of the phases, from their facts
    /// (the same rules as [`Evidence::of`] over the documents themselves).
    fn evidence(&self, mapped: bool) -> Evidence {
        let mut e = Evidence { engaged: true, mapped, ..Evidence::default() };
        let (mut plans, mut monitoring) = (Vec::new(), Vec::new());
        for (id, f) in &self.documents {
            match f {
                Facts::Assessment { baseline_id, validated, .. } => e.assessment(baseline_id.is_some(), *validated),
                Facts::Plan(p) => plans.push((id.as_str(), p)),
                Facts::Monitoring(m) => monitoring.push(m),
                Facts::Engagement { .. } | Facts::Toolbox => {}
            }
        }
        e.plans_and_monitoring(&plans, &monitoring);
        e
    }
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

/// How gaps and scores on different templates' scales are put side by side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// As a share of each scale's range (0–1): a gap of 2 on a 1–5 scale
    /// and of 1 on a 0–2 scale are both half the range.
    #[default]
    ShareOfScale,
    /// In each template's own points, one template at a time: never
    /// averaged across templates.
    ScalePoints,
}

impl Measure {
    pub const ALL: &'static [Measure] = &[Measure::ShareOfScale, Measure::ScalePoints];
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
    pub measure: Measure,
}

impl Filter {
    /// Whether a workspace of `country` passes the filter: names compared
    /// trimmed and in any case (`CÔTE D'IVOIRE` is Côte d'Ivoire); a blank
    /// filter takes every country.
    pub fn takes_country(&self, country: &str) -> bool {
        match self.country.as_deref().map(str::trim) {
            None | Some("") => true,
            Some(c) => c.to_lowercase() == country.trim().to_lowercase(),
        }
    }

    /// Whether an assessment on `template`, done `on`, passes the filter.
    pub fn takes_assessment(&self, template: Option<&String>, on: Option<Date>) -> bool {
        self.template.as_ref().is_none_or(|t| template == Some(t))
            && self.from.is_none_or(|from| on.is_some_and(|d| d >= from))
            && self.to.is_none_or(|to| on.is_some_and(|d| d <= to))
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Dashboard {
    pub engagements: Vec<EngagementLine>,
    /// How the heatmap and the change table put scales side by side.
    pub measure: Measure,
    /// Mean gap (desired − existing) by country and dimension, over the latest
    /// capacity-gap assessment of each workspace that passes the filter
    /// (policy profiles and training evaluations are not capacity gaps).
    pub heatmap: Vec<HeatCell>,
    pub plans: PlanTotals,
    pub indicators: BTreeMap<IndicatorStatus, usize>,
    /// Indicators by status, per country.
    pub indicators_by_country: Vec<CountryIndicators>,
    /// Mean existing score by dimension, over every capacity-gap
    /// re-assessment that passes the filter and the baseline it names.
    pub change: Vec<ChangeLine>,
    /// Each workspace's latest policy profile (Migration Governance
    /// Indicators), by country name: a profile to read, not a ranking.
    pub profiles: Vec<Profile>,
    /// People trained, per country, by sex, age group and institution.
    pub trainees: Vec<Trainees>,
    /// Lessons learnt across the region, newest first (at most
    /// [`LESSONS_SHOWN`]), to search by words, criterion, phase and area.
    pub lessons: Vec<LessonLine>,
}

/// Lessons a dashboard carries: the newest, enough to search a region's
/// years without sending every word ever written…
pub const LESSONS_SHOWN: usize = 500;
/// …each cut to this many characters (the whole lesson is in its document).
pub const LESSON_CHARS: usize = 1_000;

/// `text` cut to `max` characters, with `…` where it was cut.
pub(crate) fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonLine {
    pub country: String,
    pub workspace: String,
    pub date: Option<Date>,
    pub criterion: Option<crate::vocabulary::Criterion>,
    pub phase: Option<u8>,
    /// The lesson's own area, else its engagement's.
    pub area: Option<Area>,
    pub lesson: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CountryIndicators {
    pub country: String,
    pub by_status: BTreeMap<IndicatorStatus, usize>,
}

/// One country's policy profile: each domain's mean score on the template's
/// own scale.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub country: String,
    pub workspace: String,
    pub template: String,
    pub on: Option<Date>,
    pub scale: Option<(i64, i64)>,
    pub domains: Vec<DimensionScore>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Trainees {
    pub country: String,
    pub trainings: usize,
    pub headcount: Headcount,
    /// Participants by institution as recorded (trimmed); "" where none was.
    pub by_institution: BTreeMap<String, u32>,
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
    /// The template, when gaps are in its own points; `None` when they are
    /// shares of each scale's range.
    pub template: Option<String>,
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
    /// As in [`HeatCell::template`].
    pub template: Option<String>,
    pub dimension: Dimension,
    pub baseline: f64,
    pub current: f64,
    pub change: f64,
    /// Re-assessment/baseline pairs the means are over.
    pub pairs: usize,
}

/// The dashboard over `workspaces` (already limited to what the user may read).
pub fn dashboard(workspaces: &[WorkspaceFacts], filter: &Filter) -> Dashboard {
    let mut out = Dashboard { measure: filter.measure, ..Dashboard::default() };
    // Keyed by (country or "", template when in points, dimension).
    let mut gaps: BTreeMap<(String, Option<String>, Dimension), Vec<f64>> = BTreeMap::new();
    let mut change: BTreeMap<(Option<String>, Dimension), Pairs> = BTreeMap::new();
    let mut by_country: BTreeMap<String, BTreeMap<IndicatorStatus, usize>> = BTreeMap::new();
    let mut trainees: BTreeMap<String, Trainees> = BTreeMap::new();
    for ws in workspaces {
        if !filter.takes_country(&ws.country) {
            continue;
        }
        let engagement = ws.documents.iter().find_map(|(_, f)| match f {
            Facts::Engagement { title, area, phases, mapped } => Some((title, *area, phases, *mapped)),
            _ => None,
        });
        if filter.area.is_some() && engagement.and_then(|e| e.1) != filter.area {
            continue;
        }
        if let Some((title, area, team, mapped)) = engagement {
            let phases = crate::phases::states(team, &ws.evidence(mapped));
            out.engagements.push(EngagementLine {
                workspace: ws.id.clone(),
                country: ws.country.clone(),
                title: title.clone(),
                area,
                phase: crate::phases::current(&phases),
            });
        }

        // Assessments that pass the filter, the latest first.
        let mut assessments: Vec<Rated<'_>> = ws
            .documents
            .iter()
            .filter_map(|(id, f)| match f {
                Facts::Assessment { template, on, baseline_id, averages, purpose, scale, .. }
                    if filter.takes_assessment(template.as_ref(), *on) =>
                {
                    Some(Rated {
                        id,
                        on: *on,
                        template: template.as_deref(),
                        baseline_id: baseline_id.as_deref(),
                        averages,
                        purpose: *purpose,
                        scale: *scale,
                    })
                }
                _ => None,
            })
            .collect();
        assessments.sort_by(|a, b| b.on.cmp(&a.on).then(b.id.cmp(a.id)));
        if let Some(p) = assessments.iter().find(|a| a.purpose == Purpose::PolicyProfile) {
            out.profiles.push(Profile {
                country: ws.country.clone(),
                workspace: ws.id.clone(),
                template: p.template.unwrap_or_default().to_owned(),
                on: p.on,
                scale: p.scale,
                domains: p.averages.iter().filter(|s| By::Section.takes(&s.dimension)).cloned().collect(),
            });
        }
        assessments.retain(|a| a.purpose == Purpose::CapacityGaps);
        if let Some(latest) = assessments.first() {
            for s in latest.averages.iter().filter(|s| filter.by.takes(&s.dimension)) {
                if let Some(gap) = s.gap.and_then(|g| latest.measured(filter.measure, g, 0)) {
                    let key = (ws.country.clone(), latest.template_key(filter.measure), s.dimension.clone());
                    gaps.entry(key).or_default().push(gap);
                }
            }
        }
        for current in &assessments {
            let baseline = current.baseline_id.and_then(|b| assessments.iter().find(|a| a.id == b));
            let Some(baseline) = baseline else { continue };
            // A re-assessment on another template (or scale) is not a change.
            if baseline.template != current.template || baseline.scale != current.scale {
                continue;
            }
            for now in current.averages.iter().filter(|s| filter.by.takes(&s.dimension)) {
                let then = baseline.averages.iter().find(|s| s.dimension == now.dimension).and_then(|s| s.existing);
                let low = current.scale.map_or(0, |s| s.0);
                let pair = then
                    .and_then(|t| current.measured(filter.measure, t, low))
                    .zip(now.existing.and_then(|n| current.measured(filter.measure, n, low)));
                if let Some((then, now_existing)) = pair {
                    let entry =
                        change.entry((current.template_key(filter.measure), now.dimension.clone())).or_default();
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
            let country = by_country.entry(ws.country.clone()).or_default();
            for (_, indicator) in plan.indicators() {
                let latest = monitoring.iter().filter_map(|m| m.latest(&indicator.id)).max_by(|a, b| a.0.cmp(&b.0));
                let status = indicator.status(latest);
                *out.indicators.entry(status).or_insert(0) += 1;
                *country.entry(status).or_insert(0) += 1;
            }
        }

        // People trained and lessons, from every monitoring document of the workspace.
        for (_, f) in &ws.documents {
            let Facts::Monitoring(m) = f else { continue };
            for l in &m.lessons {
                out.lessons.push(LessonLine {
                    country: ws.country.clone(),
                    workspace: ws.id.clone(),
                    date: l.date,
                    criterion: l.criterion,
                    phase: l.phase,
                    area: l.area.or(engagement.and_then(|e| e.1)),
                    lesson: shortened(&l.lesson, LESSON_CHARS),
                });
            }
            for training in &m.trainings {
                let t = trainees
                    .entry(ws.country.clone())
                    .or_insert_with(|| Trainees { country: ws.country.clone(), ..Trainees::default() });
                t.trainings += 1;
                let h = training.headcount();
                t.headcount.total = t.headcount.total.saturating_add(h.total);
                for (sex, n) in h.by_sex {
                    let e = t.headcount.by_sex.entry(sex).or_default();
                    *e = e.saturating_add(n);
                }
                for (age, n) in h.by_age {
                    let e = t.headcount.by_age.entry(age).or_default();
                    *e = e.saturating_add(n);
                }
                for g in &training.participants {
                    let e = t.by_institution.entry(g.institution.trim().to_owned()).or_default();
                    *e = e.saturating_add(g.count);
                }
            }
        }
    }
    out.heatmap = gaps
        .into_iter()
        .map(|((country, template, dimension), g)| HeatCell {
            country,
            template,
            dimension,
            gap: mean(&g),
            assessments: g.len(),
        })
        .collect();
    out.change = change
        .into_iter()
        .map(|((template, dimension), (then, now))| {
            let (baseline, current) = (mean(&then), mean(&now));
            ChangeLine { template, dimension, baseline, current, change: current - baseline, pairs: then.len() }
        })
        .collect();
    out.indicators_by_country =
        by_country.into_iter().map(|(country, by_status)| CountryIndicators { country, by_status }).collect();
    out.profiles.sort_by(|a, b| a.country.cmp(&b.country).then(a.workspace.cmp(&b.workspace)));
    out.trainees = trainees.into_values().collect();
    out.lessons.sort_by(|a, b| b.date.cmp(&a.date).then(a.workspace.cmp(&b.workspace)));
    out.lessons.truncate(LESSONS_SHOWN);
    out
}

/// Scores at the baseline and at the re-assessment, pair by pair.
type Pairs = (Vec<f64>, Vec<f64>);

/// An assessment that passed the filter.
struct Rated<'a> {
    id: &'a str,
    on: Option<Date>,
    template: Option<&'a str>,
    baseline_id: Option<&'a str>,
    averages: &'a [DimensionScore],
    purpose: Purpose,
    scale: Option<(i64, i64)>,
}

impl Rated<'_> {
    /// A value of this assessment as the measure shows it: as it is, in
    /// points; as a share of the scale's range, `from` its `low` (0 for a
    /// gap, the scale's lowest point for a score). `None` when the scale is
    /// unknown or has no range.
    fn measured(&self, measure: Measure, value: f64, low: i64) -> Option<f64> {
        match measure {
            Measure::ScalePoints => Some(value),
            Measure::ShareOfScale => {
                // In f64: a document's scale is whatever its template says,
                // and i64 bounds far apart would overflow a subtraction.
                let (lo, hi) = self.scale?;
                (hi > lo).then(|| (value - low as f64) / (hi as f64 - lo as f64))
            }
        }
    }

    fn template_key(&self, measure: Measure) -> Option<String> {
        match measure {
            Measure::ScalePoints => Some(self.template.unwrap_or_default().to_owned()),
            Measure::ShareOfScale => None,
        }
    }
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}
