//! A demo workspace on a real store, from the field scenarios (`SCENARIOS.md`):
//! the border-crossing self-assessment, the plan that answers its largest gaps,
//! a year of monitoring and the re-assessment. Prints what the screens show.
//!
//! `cargo run -p cd4mm-demo --example demo -- [DATA_DIR]`

use cd4mm_core::Content;
use cd4mm_core::assessment::Dimension;
use cd4mm_core::vocabulary::Sex;
use cd4mm_store::Store;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).map_or_else(|| PathBuf::from("cd4mm-demo-data"), PathBuf::from);
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("demo.sqlite3");
    let fresh = !path.exists();
    let mut store = Store::open(&path)?;
    let t0 = cd4mm_demo::START_MS;
    if fresh {
        cd4mm_demo::seed(&mut store, "ghana-border", t0)?;
    }
    report(&mut store, t0)?;
    println!("\nData file: {} (run again to reopen it)", path.display());
    Ok(())
}

fn report(store: &mut Store, _t0: i64) -> Result<(), Box<dyn std::error::Error>> {
    println!("CD4MM Field demo workspace\n");
    for d in store.list(None)? {
        println!("  {:<12} {:<14} {}", d.kind, d.id, d.title);
    }
    let (Content::Assessment(baseline), Content::Assessment(again)) =
        (store.content("baseline")?, store.content("reassessment")?)
    else {
        return Err("demo assessments missing".into());
    };
    println!("\nPrioritised gaps (gap × partner priority), baseline:");
    for g in baseline.prioritised_gaps().iter().take(5) {
        println!(
            "  {:<28} existing {} desired {} gap {} × priority {} = {}",
            g.question_id,
            g.existing.unwrap_or(0),
            g.desired.unwrap_or(0),
            g.gap.unwrap_or(0),
            g.priority,
            g.weight().unwrap_or(0)
        );
    }
    println!("\nChange per section against the baseline:");
    for c in again.compare_with(&baseline).unwrap_or_default() {
        if let Dimension::Section { section } = &c.dimension {
            println!(
                "  {:<24} {:.2} → {:.2} ({:+.2})",
                section,
                c.baseline.unwrap_or(0.0),
                c.current.unwrap_or(0.0),
                c.change.unwrap_or(0.0)
            );
        }
    }
    let (Content::Plan(plan), Content::Monitoring(monitoring)) = (store.content("plan")?, store.content("monitoring")?)
    else {
        return Err("demo plan missing".into());
    };
    let p = plan.progress(&[&monitoring]);
    println!(
        "\nPlan progress: {} activities, {:.0}% completed, budget {:.0} {}, spent {:.0} ({:.0}%)",
        p.activities,
        p.completion * 100.0,
        p.budget,
        plan.currency,
        p.spent,
        p.budget_used * 100.0
    );
    println!("Indicators:");
    for (result, i) in plan.indicators() {
        let status = i.status(monitoring.latest(&i.id));
        println!("  {:<8} {:<40} {:?}", result, i.name, status);
    }
    let t = &monitoring.trainings[0];
    let h = t.headcount();
    println!(
        "Training `{}`: {} participants ({} women, {} men), learning gain {:+.0} points",
        t.title,
        h.total,
        h.of_sex(Sex::Female),
        h.of_sex(Sex::Male),
        t.kirkpatrick.learning_gain().unwrap_or(0.0)
    );
    println!("\nSearch `structure chart`:");
    for hit in store.search("structure chart", 3)? {
        println!("  {} / {}: {}", hit.doc_id, hit.item_id, hit.snippet);
    }
    Ok(())
}
