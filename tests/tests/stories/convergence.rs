//! Convergence, as a property: three devices, each with its own real store,
//! apply random typed edits to the same plan and exchange their changes in
//! random order, partly and with duplicates. Once everyone has everything, all
//! three hold identical documents, identical conflicts and identical projections.

use cd4mm_core::plan::{Activity, Outcome, Output, Plan};
use cd4mm_core::{Content, Edit, Error};
use cd4mm_store::{Store, StoreError};
use proptest::prelude::*;
use serde_json::json;

const ACTIVITIES: &str = "outcomes/oc1/outputs/op1/activities";
const REPLICAS: usize = 3;

#[derive(Debug, Clone)]
enum Step {
    SetBudget {
        replica: usize,
        activity: usize,
        budget: u32,
    },
    SetStatus {
        replica: usize,
        activity: usize,
        status: usize,
    },
    Reword {
        replica: usize,
        at: usize,
        words: String,
    },
    AddActivity {
        replica: usize,
        before: Option<usize>,
    },
    RemoveActivity {
        replica: usize,
        activity: usize,
    },
    /// Deliver the changes of `from` picked by `mask`, in rotated order, twice over.
    Deliver {
        from: usize,
        to: usize,
        mask: u32,
        rotate: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let r = 0..REPLICAS;
    prop_oneof![
        (r.clone(), 0..4usize, 0..20_000u32)
            .prop_map(|(replica, activity, budget)| { Step::SetBudget { replica, activity, budget } }),
        (r.clone(), 0..4usize, 0..5usize).prop_map(|(replica, activity, status)| Step::SetStatus {
            replica,
            activity,
            status
        }),
        (r.clone(), 0..200usize, "[a-z ]{1,12}").prop_map(|(replica, at, words)| Step::Reword { replica, at, words }),
        (r.clone(), proptest::option::of(0..4usize))
            .prop_map(|(replica, before)| Step::AddActivity { replica, before }),
        (r.clone(), 0..4usize).prop_map(|(replica, activity)| Step::RemoveActivity { replica, activity }),
        (r.clone(), r, any::<u32>(), 0..8usize)
            .prop_map(|(from, to, mask, rotate)| { Step::Deliver { from, to, mask, rotate } }),
    ]
}

fn initial_plan() -> Content {
    let activities = (0..3)
        .map(|i| Activity {
            id: format!("a{i}"),
            title: format!("Activity {i}"),
            budget: 1000.0,
            ..Activity::default()
        })
        .collect();
    Content::Plan(Plan {
        title: "Shared plan".into(),
        objective: cd4mm_core::plan::Objective {
            statement: "Officials manage borders well.".into(),
            indicators: vec![],
        },
        outcomes: vec![Outcome {
            id: "oc1".into(),
            statement: "Outcome".into(),
            indicators: vec![],
            outputs: vec![Output { id: "op1".into(), statement: "Output".into(), activities, ..Output::default() }],
            ..Outcome::default()
        }],
        ..Plan::default()
    })
}

fn activity_ids(store: &mut Store) -> Vec<String> {
    let snapshot = store.read("plan").expect("read");
    let list = snapshot.value["outcomes"][0]["outputs"][0]["activities"].as_array().cloned().unwrap_or_default();
    list.iter().filter_map(|a| a["id"].as_str().map(str::to_owned)).collect()
}

/// Apply an edit; a refusal (e.g. removing from an empty list) is fine, any
/// other error is a bug.
fn edit(store: &mut Store, edit: Edit, now: i64) {
    match store.edit("plan", &edit, now) {
        Ok(_) | Err(StoreError::Core(Error::Invalid(_))) => {}
        Err(other) => panic!("{edit:?} failed: {other}"),
    }
}

fn run(steps: Vec<Step>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut stores: Vec<Store> =
        (0..REPLICAS).map(|i| Store::open(&dir.path().join(format!("r{i}.sqlite3"))).expect("open")).collect();
    stores[0].create("plan", "ws", &initial_plan(), 1).expect("create");
    let created = stores[0].changes("plan").expect("changes");
    for s in stores.iter_mut().skip(1) {
        s.apply_remote("plan", &created, 1).expect("receive the plan");
    }
    let statuses = ["planned", "in_progress", "delayed", "completed", "cancelled"];
    let mut added = 0;
    for (t, step) in steps.into_iter().enumerate() {
        let now = 10 + t as i64;
        match step {
            Step::SetBudget { replica, activity, budget } => {
                let ids = activity_ids(&mut stores[replica]);
                if let Some(id) = ids.get(activity % ids.len().max(1)) {
                    edit(
                        &mut stores[replica],
                        Edit::Set { path: format!("{ACTIVITIES}/{id}/budget"), value: json!(budget) },
                        now,
                    );
                }
            }
            Step::SetStatus { replica, activity, status } => {
                let ids = activity_ids(&mut stores[replica]);
                if let Some(id) = ids.get(activity % ids.len().max(1)) {
                    let path = format!("{ACTIVITIES}/{id}/status");
                    edit(&mut stores[replica], Edit::Set { path, value: json!(statuses[status]) }, now);
                }
            }
            Step::Reword { replica, at, words } => {
                let current = stores[replica].read("plan").expect("read").value["objective"]["statement"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let chars: Vec<char> = current.chars().collect();
                let at = at % (chars.len() + 1);
                let next: String = chars[..at]
                    .iter()
                    .chain(words.chars().collect::<Vec<_>>().iter())
                    .chain(chars[at..].iter())
                    .collect();
                edit(&mut stores[replica], Edit::Set { path: "objective/statement".into(), value: json!(next) }, now);
            }
            Step::AddActivity { replica, before } => {
                added += 1;
                let ids = activity_ids(&mut stores[replica]);
                let before = before.and_then(|b| ids.get(b % ids.len().max(1)).cloned());
                let item = json!({"id": format!("r{replica}-{added}"), "title": format!("Added on device {replica}"), "type": "training"});
                edit(&mut stores[replica], Edit::Insert { list: ACTIVITIES.into(), item, before }, now);
            }
            Step::RemoveActivity { replica, activity } => {
                let ids = activity_ids(&mut stores[replica]);
                if let Some(id) = ids.get(activity % ids.len().max(1)) {
                    edit(&mut stores[replica], Edit::Remove { list: ACTIVITIES.into(), id: id.clone() }, now);
                }
            }
            Step::Deliver { from, to, mask, rotate } => {
                if from == to {
                    continue;
                }
                let mut picked: Vec<Vec<u8>> = stores[from]
                    .changes("plan")
                    .expect("changes")
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << (i % 32)) != 0)
                    .map(|(_, c)| c)
                    .collect();
                if !picked.is_empty() {
                    let k = rotate % picked.len();
                    picked.rotate_left(k); // out of causal order
                    let twice: Vec<Vec<u8>> = picked.iter().chain(picked.iter()).cloned().collect();
                    stores[to].apply_remote("plan", &twice, now).expect("partial delivery");
                }
            }
        }
    }
    // Everyone sends everything to everyone, in reverse order, twice.
    for _ in 0..2 {
        for from in 0..REPLICAS {
            let mut all = stores[from].changes("plan").expect("changes");
            all.reverse();
            for (to, store) in stores.iter_mut().enumerate() {
                if to != from {
                    store.apply_remote("plan", &all, 999).expect("full delivery");
                }
            }
        }
    }
    let first = stores[0].read("plan").expect("read");
    let first_rows = stores[0].projection_dump().expect("dump");
    let mut first_heads = stores[0].heads("plan").expect("heads");
    first_heads.sort();
    for (i, store) in stores.iter_mut().enumerate().skip(1) {
        let mut heads = store.heads("plan").expect("heads");
        heads.sort();
        assert_eq!(heads, first_heads, "device {i} has every change");
        assert_eq!(store.read("plan").expect("read"), first, "device {i} holds the same document and conflicts");
        assert_eq!(store.projection_dump().expect("dump"), first_rows, "device {i} has the same projections");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn three_devices_converge(steps in proptest::collection::vec(step(), 1..32)) {
        run(steps);
    }
}
