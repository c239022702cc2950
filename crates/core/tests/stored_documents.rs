//! The demo's documents as a server stored them on 1 December 2026, before
//! the results matrix, delivery figures and risk reviews were added: each
//! file is a saved document followed by the changes made after it.
//!
//! Documents in the field were written by older apps and must read as they
//! did: every value they hold reads back the same through today's model, and
//! what they lack takes its default.

use cd4mm_core::automerge::ActorId;
use cd4mm_core::{Content, Document, Kind};
use serde_json::Value;
use std::path::Path;

const STORED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stored/demo-2026-12-01");

fn stored() -> Vec<(String, Document)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(STORED).expect("fixture folder") {
        let path = entry.expect("entry").path();
        let id = path.file_stem().and_then(|s| s.to_str()).expect("name").to_owned();
        let bytes = std::fs::read(&path).expect("read");
        let doc = Document::load(&bytes, ActorId::from(b"stored-documents".to_vec()), 0)
            .unwrap_or_else(|e| panic!("{id} does not load: {e}"));
        out.push((id, doc));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Whether everything in `stored` is in `read`, with the same value.
fn holds(read: &Value, stored: &Value, at: &str, diffs: &mut Vec<String>) {
    match (read, stored) {
        (Value::Object(r), Value::Object(s)) => {
            for (k, v) in s {
                match r.get(k) {
                    Some(rv) => holds(rv, v, &format!("{at}/{k}"), diffs),
                    None => diffs.push(format!("{at}/{k} is gone")),
                }
            }
        }
        (Value::Array(r), Value::Array(s)) if r.len() == s.len() => {
            for (i, (rv, sv)) in r.iter().zip(s).enumerate() {
                holds(rv, sv, &format!("{at}/{i}"), diffs);
            }
        }
        (Value::Number(r), Value::Number(s)) if r.as_f64() == s.as_f64() => {}
        (r, s) if r == s => {}
        (r, s) => diffs.push(format!("{at}: stored {s}, read {r}")),
    }
}

#[test]
fn every_stored_value_reads_back_unchanged() {
    let docs = stored();
    assert_eq!(docs.len(), 21, "the demo's 21 documents, from {}", Path::new(STORED).display());
    for (id, doc) in &docs {
        let raw = doc.read().value;
        let content = doc.content().unwrap_or_else(|e| panic!("{id}: {e}"));
        let mut diffs = Vec::new();
        holds(&content.to_json(), &raw, "", &mut diffs);
        assert!(diffs.is_empty(), "{id}: {diffs:#?}");
        assert!(content.problems().is_empty(), "{id}: {:?}", content.problems());
    }
}

#[test]
fn stored_plans_get_the_figures_of_today() {
    let docs = stored();
    let content = |id: &str| docs.iter().find(|d| d.0 == id).expect(id).1.content().expect(id);
    let Content::Plan(plan) = content("plan") else { panic!("plan") };
    let Content::Monitoring(monitoring) = content("monitoring") else { panic!("monitoring") };
    assert_eq!(docs.iter().filter(|d| d.1.kind() == Kind::Plan).count(), 4);
    // New fields read as their defaults: a baseline known, no milestones,
    // costs from the old `budget`.
    for (_, i) in plan.indicators() {
        assert!(!i.baseline_unknown && i.milestones.is_empty() && i.disaggregation.is_empty());
    }
    for (_, _, a) in plan.activities() {
        assert!(a.budget_lines.is_empty());
        assert_eq!(a.cost(), a.budget);
    }
    let delivery = plan.delivery(&[("monitoring", &monitoring)]);
    assert_eq!(delivery.activities.len(), plan.activities().count());
    assert_eq!(delivery.periods.len(), 1);
    assert!(delivery.progress.spent > 0.0, "the demo reports spending");
    assert!((delivery.periods[0].cumulative - delivery.progress.spent).abs() < 1e-6);
    assert!(monitoring.risk_reviews.is_empty());
    assert!(delivery.risks.iter().all(|r| r.reviewed_on.is_none()));
}
