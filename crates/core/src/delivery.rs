//! Phase 4 read from the data: where each activity of a plan stands, what was
//! spent in each reporting period, at what rate, and how the risks look now.
//!
//! Every figure comes from the monitoring documents, never from what someone
//! typed on the plan after the fact: an activity's status, percent and
//! cumulative spend are those of its latest progress update, whichever period
//! recorded it, so a new period starts from where the last one ended.

use crate::Date;
use crate::monitoring::{Monitoring, ProgressUpdate};
use crate::plan::{Activity, Plan, Progress, Risk};
use crate::vocabulary::{ActivityStatus, Rating, RiskStatus};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// A plan's delivery: activities, periods, spending rate and risks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Delivery {
    pub progress: Progress,
    /// In the plan's order.
    pub activities: Vec<ActivityDelivery>,
    /// Reporting periods in date order.
    pub periods: Vec<PeriodSpend>,
    /// Mean spend per month from the plan's start to the last period's end,
    /// when both are known.
    pub per_month: Option<f64>,
    /// In the plan's order, each as its latest review left it.
    pub risks: Vec<RiskLine>,
}

/// Where one activity stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityDelivery {
    pub activity_id: String,
    pub title: String,
    /// From the latest progress update; the plan's own until there is one.
    pub status: ActivityStatus,
    /// 0–100; a completed activity is 100.
    pub percent_complete: f64,
    /// Cumulative, as the latest update reports it.
    pub spent: f64,
    pub cost: f64,
    /// The date of the latest update, when there is one.
    pub as_of: Option<Date>,
    /// The latest update reports less cumulative spend than an earlier one:
    /// most often an update saved with the spend of one period only.
    pub spend_went_down: bool,
}

/// Spending over one reporting period (one monitoring document).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PeriodSpend {
    pub monitoring_id: String,
    pub title: String,
    pub starts_on: Option<Date>,
    /// The period's end, else its latest update's date.
    pub ends_on: Option<Date>,
    /// Cumulative spend at the period's end minus at the previous one's.
    pub spent: f64,
    /// Every activity's latest cumulative spend as of the period's end.
    pub cumulative: f64,
    /// Cumulative over the plan's budget; 0 when nothing is budgeted.
    pub budget_used: f64,
    /// Share of the plan's duration gone by the period's end, when the plan
    /// has both dates: spending far ahead of or behind it is worth a look.
    pub time_used: Option<f64>,
    /// What was spent in the period per month of it, when it has dates.
    pub per_month: Option<f64>,
}

/// A risk as its latest review left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RiskLine {
    pub risk_id: String,
    pub description: String,
    pub likelihood: Rating,
    pub impact: Rating,
    /// Likelihood × impact, each 1 (low) to 3 (high): 1–9.
    pub score: u8,
    pub status: RiskStatus,
    /// `None` until it is first reviewed.
    pub reviewed_on: Option<Date>,
    pub action: String,
    pub owner: String,
}

/// Days in a month, on average, for rates per month.
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

impl Plan {
    /// Progress by activities and budget, from the monitoring documents.
    pub fn progress(&self, monitoring: &[&Monitoring]) -> Progress {
        summarise(&self.activity_states(monitoring))
    }

    /// The whole delivery picture; `monitoring` are the plan's periods, each
    /// with its document id.
    pub fn delivery(&self, monitoring: &[(&str, &Monitoring)]) -> Delivery {
        let docs: Vec<&Monitoring> = monitoring.iter().map(|(_, m)| *m).collect();
        let activities = self.activity_states(&docs);
        let progress = summarise(&activities);
        let periods = self.periods(monitoring, progress.budget);
        let per_month = match (self.starts_on, periods.iter().rev().find_map(|p| p.ends_on)) {
            (Some(start), Some(end)) if end > start => {
                Some(periods.last().map_or(0.0, |p| p.cumulative) / months(start, end))
            }
            _ => None,
        };
        let risks = self.risks.iter().map(|r| risk_line(r, &docs)).collect();
        Delivery { progress, activities, periods, per_month, risks }
    }

    fn activity_states(&self, monitoring: &[&Monitoring]) -> Vec<ActivityDelivery> {
        let mut updates: HashMap<&str, Vec<&ProgressUpdate>> = HashMap::new();
        for u in monitoring.iter().flat_map(|m| m.progress.iter()) {
            updates.entry(u.activity_id.as_str()).or_default().push(u);
        }
        for list in updates.values_mut() {
            list.sort_by(|x, y| x.date.cmp(&y.date).then(x.id.cmp(&y.id)));
        }
        self.activities()
            .map(|(_, _, a)| activity_state(a, updates.get(a.id.as_str()).map_or(&[][..], Vec::as_slice)))
            .collect()
    }

    /// Spending per period, in the order the periods end. Cumulative spend at
    /// a date is, per activity, its latest update on or before that date, so
    /// a period that recorded nothing for an activity carries its spend on.
    fn periods(&self, monitoring: &[(&str, &Monitoring)], budget: f64) -> Vec<PeriodSpend> {
        let updates: Vec<&ProgressUpdate> = monitoring.iter().flat_map(|(_, m)| m.progress.iter()).collect();
        let cumulative_at = |end: Date| -> f64 {
            let mut latest: HashMap<&str, &ProgressUpdate> = HashMap::new();
            for u in updates.iter().filter(|u| u.date.is_some_and(|d| d <= end)) {
                let e = latest.entry(u.activity_id.as_str()).or_insert(u);
                if (u.date, &u.id) > (e.date, &e.id) {
                    *e = u;
                }
            }
            latest.values().map(|u| u.spent).sum()
        };
        let mut periods: Vec<(&str, &Monitoring, Option<Date>)> = monitoring
            .iter()
            .map(|(id, m)| (*id, *m, m.ends_on.or_else(|| m.progress.iter().filter_map(|u| u.date).max())))
            .collect();
        periods.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(b.0)));
        let mut before = 0.0;
        periods
            .into_iter()
            .map(|(id, m, end)| {
                let cumulative = end.map_or(before, cumulative_at);
                let spent = cumulative - before;
                before = cumulative;
                let time_used = match (self.starts_on, self.ends_on, end) {
                    (Some(s), Some(e), Some(at)) if e > s => {
                        Some(((at.days() - s.days()) as f64 / (e.days() - s.days()) as f64).clamp(0.0, 1.0))
                    }
                    _ => None,
                };
                let per_month = match (m.starts_on, end) {
                    (Some(s), Some(e)) if e >= s => Some(spent / months_inclusive(s, e)),
                    _ => None,
                };
                PeriodSpend {
                    monitoring_id: id.to_owned(),
                    title: m.title.clone(),
                    starts_on: m.starts_on,
                    ends_on: end,
                    spent,
                    cumulative,
                    budget_used: if budget > 0.0 { cumulative / budget } else { 0.0 },
                    time_used,
                    per_month,
                }
            })
            .collect()
    }
}

fn activity_state(a: &Activity, updates: &[&ProgressUpdate]) -> ActivityDelivery {
    let latest = updates.last();
    let status = latest.map_or(a.status, |u| u.status);
    let percent = match (status, latest) {
        (ActivityStatus::Completed, _) => 100.0,
        (_, Some(u)) => u.percent_complete.clamp(0.0, 100.0),
        (_, None) => 0.0,
    };
    let most = updates.iter().map(|u| u.spent).fold(0.0, f64::max);
    let spent = latest.map_or(0.0, |u| u.spent);
    ActivityDelivery {
        activity_id: a.id.clone(),
        title: a.title.clone(),
        status,
        percent_complete: percent,
        spent,
        cost: a.cost(),
        as_of: latest.and_then(|u| u.date),
        spend_went_down: spent < most,
    }
}

fn summarise(activities: &[ActivityDelivery]) -> Progress {
    let mut by_status = BTreeMap::new();
    let (mut budget, mut spent, mut released, mut done, mut percent) = (0.0, 0.0, 0.0, 0usize, 0.0);
    let mut live = 0usize;
    for a in activities {
        *by_status.entry(a.status).or_insert(0) += 1;
        spent += a.spent;
        if a.status == ActivityStatus::Cancelled {
            // What a cancelled activity had spent stays spent; the rest is free.
            budget += a.spent;
            released += (a.cost - a.spent).max(0.0);
            continue;
        }
        live += 1;
        budget += a.cost;
        percent += a.percent_complete;
        if a.status == ActivityStatus::Completed {
            done += 1;
        }
    }
    let share = |n: f64| if live == 0 { 0.0 } else { n / live as f64 };
    Progress {
        activities: activities.len(),
        by_status,
        completion: share(done as f64),
        percent_complete: share(percent),
        budget,
        spent,
        budget_used: if budget > 0.0 { spent / budget } else { 0.0 },
        released,
    }
}

fn risk_line(risk: &Risk, monitoring: &[&Monitoring]) -> RiskLine {
    let latest = monitoring
        .iter()
        .flat_map(|m| m.risk_reviews.iter())
        .filter(|r| r.risk_id == risk.id)
        .max_by(|x, y| x.date.cmp(&y.date).then(x.id.cmp(&y.id)));
    let (likelihood, impact) = latest.map_or((risk.likelihood, risk.impact), |r| (r.likelihood, r.impact));
    RiskLine {
        risk_id: risk.id.clone(),
        description: risk.description.clone(),
        likelihood,
        impact,
        score: weight(likelihood) * weight(impact),
        status: latest.map_or(RiskStatus::Open, |r| r.status),
        reviewed_on: latest.and_then(|r| r.date),
        action: latest.map_or_else(|| risk.mitigation.clone(), |r| r.action.clone()),
        owner: risk.owner.clone(),
    }
}

fn weight(r: Rating) -> u8 {
    match r {
        Rating::Low => 1,
        Rating::Medium => 2,
        Rating::High => 3,
    }
}

fn months(from: Date, to: Date) -> f64 {
    (to.days() - from.days()) as f64 / DAYS_PER_MONTH
}

/// Months of a period that includes both its first and last day.
fn months_inclusive(from: Date, to: Date) -> f64 {
    (to.days() - from.days() + 1) as f64 / DAYS_PER_MONTH
}

#[cfg(test)]
mod tests;
