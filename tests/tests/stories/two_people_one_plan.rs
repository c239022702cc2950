//! Scenario 2, "two people, one plan, no network in common", through a real
//! server: two field officers and a counterpart edit the same plan offline —
//! the same objective text, the same budget line, new activities — then sync in
//! different orders. Everyone ends with the same plan; both wording edits are
//! kept; the budget is a conflict on every device until someone picks.

use crate::common::{Backend, TestServer, border_plan as plan, device};
use cd4mm_core::Edit;
use serde_json::json;

const WS: &str = "ghana-border";
const ACTIVITIES: &str = "outcomes/oc1/outputs/op1/activities";

fn set(path: &str, value: serde_json::Value) -> Edit {
    Edit::Set { path: path.into(), value }
}

fn add(id: &str, title: &str) -> Edit {
    Edit::Insert { list: ACTIVITIES.into(), item: json!({"id": id, "title": title, "type": "training"}), before: None }
}

on_every_backend!(two_officers_and_a_counterpart_converge_and_see_the_budget_conflict, story);

async fn story(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "ama", "editor");
    server.member(WS, "kofi", "editor");
    server.member(WS, "esi", "counterpart");
    let mut ama = device(&server, "ama").await;
    let mut kofi = device(&server, "kofi").await;
    let mut esi = device(&server, "esi").await;

    ama.store.create("plan", WS, &plan(), 1_000).expect("create plan");
    let first = ama.sync(&[WS]).await.expect("ama's first sync");
    assert_eq!(first.requests, 1, "an ordinary sync is one round trip");
    for d in [&mut kofi, &mut esi] {
        d.sync(&[WS]).await.expect("first sync receives the plan");
        assert_eq!(d.store.read("plan").expect("plan arrived").value["title"], json!("Border capacity response"));
    }

    // A week offline, everyone editing.
    let budget = format!("{ACTIVITIES}/sop/budget");
    esi.store
        .edit(
            "plan",
            &set(
                "objective/statement",
                json!("All officials examine travel documents. Vulnerable migrants are referred."),
            ),
            2_000,
        )
        .expect("esi rewords");
    esi.store.edit("plan", &set(&budget, json!(12000)), 2_001).expect("esi budget");
    esi.store.edit("plan", &add("esi-1", "Equipment for the northern post"), 2_002).expect("esi adds");
    ama.store
        .edit(
            "plan",
            &set(
                "objective/statement",
                json!("Officials examine travel documents. Vulnerable migrants are referred to protection services."),
            ),
            2_003,
        )
        .expect("ama rewords");
    ama.store.edit("plan", &set(&budget, json!(9500)), 2_004).expect("ama budget");
    ama.store.edit("plan", &add("ama-1", "Training of trainers"), 2_005).expect("ama adds");
    kofi.store.edit("plan", &add("kofi-1", "Coordination mechanism"), 2_006).expect("kofi adds");

    // Back online, in different orders, some twice.
    for round in [[0, 1, 2], [0, 1, 2]] {
        for who in round {
            let d = match who {
                0 => &mut esi,
                1 => &mut ama,
                _ => &mut kofi,
            };
            let p = d.sync(&[WS]).await.expect("sync");
            assert_eq!(p.requests, 1, "each ordinary sync is one round trip");
        }
    }

    let reference = ama.store.read("plan").expect("read");
    for (name, d) in [("kofi", &mut kofi), ("esi", &mut esi)] {
        assert_eq!(d.store.read("plan").expect("read"), reference, "{name} holds the same plan as ama");
    }
    let statement = reference.value["objective"]["statement"].as_str().expect("statement");
    assert_eq!(
        statement, "All officials examine travel documents. Vulnerable migrants are referred to protection services.",
        "both wording edits kept"
    );
    let ids: Vec<&str> = reference.value["outcomes"][0]["outputs"][0]["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    for id in ["sop", "esi-1", "ama-1", "kofi-1"] {
        assert_eq!(ids.iter().filter(|i| **i == id).count(), 1, "activity {id} exists exactly once: {ids:?}");
    }
    assert_eq!(reference.conflicts.len(), 1, "the budget conflicts: {:?}", reference.conflicts);
    let conflict = &reference.conflicts[0];
    assert_eq!(conflict.path, budget);
    let mut values: Vec<(i64, String)> =
        conflict.values.iter().map(|v| (v.value.as_i64().expect("number"), v.actor.clone())).collect();
    values.sort();
    assert_eq!(values, vec![(9500, ama.store.actor().to_hex_string()), (12000, esi.store.actor().to_hex_string())]);

    // The counterpart picks; after a sync everyone sees the pick and no conflict.
    esi.store.edit("plan", &set(&budget, json!(12000)), 3_000).expect("esi resolves");
    for d in [&mut esi, &mut ama, &mut kofi] {
        d.sync(&[WS]).await.expect("sync");
    }
    for d in [&mut esi, &mut ama, &mut kofi] {
        let snapshot = d.store.read("plan").expect("read");
        assert!(snapshot.conflicts.is_empty(), "resolved everywhere");
        assert_eq!(snapshot.value["outcomes"][0]["outputs"][0]["activities"][0]["budget"], json!(12000));
    }
    server.stop().await;
}
