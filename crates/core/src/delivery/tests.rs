//! A year of monthly reporting on a four-activity plan, every figure worked
//! out by hand in the comments.

use super::*;
use crate::monitoring::RiskReview;
use crate::plan::{BudgetLine, Outcome, Output};

fn date(s: &str) -> Date {
    Date::parse(s).expect("valid test date")
}

/// Last day of month `m` of 2026.
fn month_end(m: u32) -> Date {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    date(&format!("2026-{m:02}-{:02}", DAYS[m as usize - 1]))
}

fn activity(id: &str, budget: f64, status: ActivityStatus) -> Activity {
    Activity { id: id.into(), title: id.into(), budget, status, ..Activity::default() }
}

/// A: training, 10,000 in two budget lines (its `budget` field is stale and
/// must not count); B: SOPs, 6,000; C: study visit, 4,000, cancelled after
/// spending 500; D: equipment, 5,000, never reported on. Two risks.
fn plan() -> Plan {
    let a = Activity {
        budget: 999.0,
        budget_lines: vec![
            BudgetLine { id: "fees".into(), item: "Trainers".into(), amount: 6_000.0 },
            BudgetLine { id: "venue".into(), item: "Venue".into(), amount: 4_000.0 },
        ],
        ..activity("A", 0.0, ActivityStatus::Planned)
    };
    Plan {
        title: "Border response".into(),
        starts_on: Some(date("2026-01-01")),
        ends_on: Some(date("2026-12-31")),
        currency: "USD".into(),
        outcomes: vec![Outcome {
            id: "oc".into(),
            outputs: vec![Output {
                id: "op".into(),
                activities: vec![
                    a,
                    activity("B", 6_000.0, ActivityStatus::Planned),
                    activity("C", 4_000.0, ActivityStatus::Planned),
                    // Never reported on: the plan's status stands.
                    activity("D", 5_000.0, ActivityStatus::Planned),
                ],
                ..Output::default()
            }],
            ..Outcome::default()
        }],
        risks: vec![
            Risk {
                id: "turnover".into(),
                description: "Trained staff rotate out".into(),
                likelihood: Rating::High,
                impact: Rating::Medium,
                mitigation: "Train trainers".into(),
                ..Risk::default()
            },
            Risk {
                id: "funds".into(),
                description: "Funds arrive late".into(),
                likelihood: Rating::Medium,
                impact: Rating::High,
                mitigation: "Phase the procurement".into(),
                ..Risk::default()
            },
        ],
        ..Plan::default()
    }
}

fn update(m: u32, activity: &str, status: ActivityStatus, percent: f64, spent: f64) -> ProgressUpdate {
    ProgressUpdate {
        id: format!("{activity}-{m}"),
        activity_id: activity.into(),
        date: Some(month_end(m)),
        status,
        percent_complete: percent,
        spent,
        ..ProgressUpdate::default()
    }
}

/// Twelve monthly periods. A reports every month but March, 1,000 a month,
/// done in October; B reports in June (3,000) and in December (5,500, delayed
/// at 90 %); C reports 500 in February and is cancelled in April.
fn year() -> Vec<(String, Monitoring)> {
    use ActivityStatus::*;
    (1..=12u32)
        .map(|m| {
            let mut progress = Vec::new();
            if m != 3 && m <= 10 {
                let status = if m == 10 { Completed } else { InProgress };
                progress.push(update(m, "A", status, 10.0 * m as f64, 1_000.0 * m as f64));
            }
            match m {
                2 => progress.push(update(m, "C", InProgress, 10.0, 500.0)),
                4 => progress.push(update(m, "C", Cancelled, 10.0, 500.0)),
                6 => progress.push(update(m, "B", InProgress, 50.0, 3_000.0)),
                8 => progress.push(update(m, "B", InProgress, 60.0, 3_500.0)),
                12 => progress.push(update(m, "B", Delayed, 90.0, 5_500.0)),
                _ => {}
            }
            let mut risk_reviews = Vec::new();
            if m == 3 {
                risk_reviews.push(RiskReview {
                    id: "r3".into(),
                    risk_id: "turnover".into(),
                    date: Some(month_end(3)),
                    likelihood: Rating::Medium,
                    impact: Rating::Medium,
                    status: RiskStatus::Open,
                    action: "Two trainers certified".into(),
                });
            }
            if m == 9 {
                risk_reviews.push(RiskReview {
                    id: "r9".into(),
                    risk_id: "turnover".into(),
                    date: Some(month_end(9)),
                    likelihood: Rating::Low,
                    impact: Rating::High,
                    status: RiskStatus::Closed,
                    action: "Rotation frozen by decree".into(),
                });
            }
            let monitoring = Monitoring {
                title: format!("2026-{m:02}"),
                starts_on: Some(date(&format!("2026-{m:02}-01"))),
                ends_on: Some(month_end(m)),
                progress,
                risk_reviews,
                ..Monitoring::default()
            };
            (format!("m{m:02}"), monitoring)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_year_of_monthly_periods() {
    let plan = plan();
    let year = year();
    let periods: Vec<(&str, &Monitoring)> = year.iter().map(|(id, m)| (id.as_str(), m)).collect();
    let d = plan.delivery(&periods);

    // Activities: status, percent and spend are the latest update's.
    let by_id = |id: &str| d.activities.iter().find(|a| a.activity_id == id).expect("activity");
    let a = by_id("A");
    assert_eq!((a.status, a.percent_complete, a.spent, a.cost), (ActivityStatus::Completed, 100.0, 10_000.0, 10_000.0));
    assert_eq!(a.as_of, Some(month_end(10)));
    let b = by_id("B");
    assert_eq!((b.status, b.percent_complete, b.spent), (ActivityStatus::Delayed, 90.0, 5_500.0));
    let c = by_id("C");
    assert_eq!((c.status, c.spent, c.cost), (ActivityStatus::Cancelled, 500.0, 4_000.0));
    let dd = by_id("D");
    assert_eq!((dd.status, dd.percent_complete, dd.spent, dd.as_of), (ActivityStatus::Planned, 0.0, 0.0, None));
    assert!(d.activities.iter().all(|a| !a.spend_went_down));

    // Progress: A, B and D are live; C is cancelled.
    let p = &d.progress;
    assert_eq!(p.activities, 4);
    assert_eq!(p.by_status.get(&ActivityStatus::Completed), Some(&1));
    assert_eq!(p.by_status.get(&ActivityStatus::Cancelled), Some(&1));
    assert!(close(p.completion, 1.0 / 3.0));
    // (100 + 90 + 0) / 3.
    assert!(close(p.percent_complete, 190.0 / 3.0));
    // 10,000 + 6,000 + 5,000 live, and the 500 C spent before it stopped.
    assert!(close(p.budget, 21_500.0));
    assert!(close(p.spent, 16_000.0));
    assert!(close(p.budget_used, 16_000.0 / 21_500.0));
    // C's 4,000 less its 500.
    assert!(close(p.released, 3_500.0));

    // Periods: what each month added to the cumulative spend.
    // Month:           1      2      3  4      5      6      7      8      9      10     11 12
    let spent = [1_000.0, 1_500.0, 0.0, 2_000.0, 1_000.0, 4_000.0, 1_000.0, 1_500.0, 1_000.0, 1_000.0, 0.0, 2_000.0];
    let cumulative = [
        1_000.0, 2_500.0, 2_500.0, 4_500.0, 5_500.0, 9_500.0, 10_500.0, 12_000.0, 13_000.0, 14_000.0, 14_000.0,
        16_000.0,
    ];
    assert_eq!(d.periods.len(), 12);
    for (i, period) in d.periods.iter().enumerate() {
        assert_eq!(period.monitoring_id, format!("m{:02}", i + 1));
        assert!(close(period.spent, spent[i]), "month {}: spent {}", i + 1, period.spent);
        assert!(close(period.cumulative, cumulative[i]), "month {}: cumulative {}", i + 1, period.cumulative);
        assert!(close(period.budget_used, cumulative[i] / 21_500.0));
    }
    // March: A did not report; its 2,000 carries on, nothing is lost.
    assert_eq!(d.periods[2].spent, 0.0);
    // June ends on day 180 of the plan's 364.
    assert!(close(d.periods[5].time_used.expect("plan has dates"), 180.0 / 364.0));
    // February: 1,500 over 28 days, a month being 365.25 / 12 days.
    assert!(close(d.periods[1].per_month.expect("period has dates"), 1_500.0 / (28.0 / (365.25 / 12.0))));
    // The plan's rate: 16,000 over 1 January to 31 December.
    assert!(close(d.per_month.expect("dates known"), 16_000.0 / (364.0 / (365.25 / 12.0))));

    // Risks: staff turnover as reviewed in September; late funds never reviewed.
    let turnover = &d.risks[0];
    assert_eq!((turnover.likelihood, turnover.impact, turnover.score), (Rating::Low, Rating::High, 3));
    assert_eq!((turnover.status, turnover.reviewed_on), (RiskStatus::Closed, Some(month_end(9))));
    assert_eq!(turnover.action, "Rotation frozen by decree");
    let funds = &d.risks[1];
    assert_eq!((funds.score, funds.status, funds.reviewed_on), (6, RiskStatus::Open, None));
    assert_eq!(funds.action, "Phase the procurement");

    // The regional figures use the same rule.
    let docs: Vec<&Monitoring> = year.iter().map(|(_, m)| m).collect();
    assert_eq!(&plan.progress(&docs), p);
}

#[test]
fn a_new_period_that_records_a_lower_spend_is_flagged_not_trusted_silently() {
    let plan = plan();
    let mut year = year();
    // November's officer saved A with this period's spend only (0).
    year[10].1.progress.push(update(11, "A", ActivityStatus::Completed, 100.0, 0.0));
    let periods: Vec<(&str, &Monitoring)> = year.iter().map(|(id, m)| (id.as_str(), m)).collect();
    let d = plan.delivery(&periods);
    let a = d.activities.iter().find(|a| a.activity_id == "A").expect("A");
    assert!(a.spend_went_down);
    assert_eq!(a.spent, 0.0);
}

#[test]
fn reports_in_any_order_and_without_dates_do_not_break_the_sums() {
    let plan = plan();
    let mut year = year();
    year.reverse();
    // A period with no dates at all comes first and adds nothing.
    year.push(("undated".into(), Monitoring { title: "Notes".into(), ..Monitoring::default() }));
    let periods: Vec<(&str, &Monitoring)> = year.iter().map(|(id, m)| (id.as_str(), m)).collect();
    let d = plan.delivery(&periods);
    assert_eq!(d.periods[0].monitoring_id, "undated");
    assert_eq!((d.periods[0].spent, d.periods[0].cumulative), (0.0, 0.0));
    assert!(close(d.periods.last().expect("periods").cumulative, 16_000.0));
    let total: f64 = d.periods.iter().map(|p| p.spent).sum();
    assert!(close(total, 16_000.0));
}

#[test]
fn hostile_amounts_are_refused_before_they_reach_a_sum() {
    let mut plan = plan();
    let a = &mut plan.outcomes[0].outputs[0].activities[0];
    a.budget_lines[0].amount = 1e308;
    a.budget_lines[1].amount = 1e308;
    let problems = crate::Content::Plan(plan.clone()).problems();
    assert!(problems.iter().any(|p| p.field.ends_with("budget_lines/fees/amount")), "{problems:?}");
    plan.government_contribution = f64::INFINITY;
    plan.outcomes[0].outputs[0].activities[0].budget_lines[0].amount = -1.0;
    let problems = crate::Content::Plan(plan).problems();
    assert!(problems.iter().any(|p| p.field == "government_contribution"), "{problems:?}");
    assert!(problems.iter().any(|p| p.field.ends_with("budget_lines/fees/amount")), "{problems:?}");
}
