use super::*;
use crate::plan::{Activity, Outcome, Output};
use serde_json::json;

const T0: i64 = 1_780_000_000_000;

fn actor(n: u8) -> ActorId {
    ActorId::from(vec![n; 16])
}

fn plan_with_activity() -> Content {
    Content::Plan(Plan {
        title: "Response plan".into(),
        objective: crate::plan::Objective {
            statement: "Border officials manage mixed flows.".into(),
            indicators: vec![],
        },
        outcomes: vec![Outcome {
            id: "oc1".into(),
            statement: "SOPs in use".into(),
            indicators: vec![],
            outputs: vec![Output {
                id: "op1".into(),
                statement: "SOPs written".into(),
                indicators: vec![],
                activities: vec![Activity {
                    id: "sop".into(),
                    title: "SOP development".into(),
                    budget: 5000.0,
                    ..Activity::default()
                }],
                ..Output::default()
            }],
            ..Outcome::default()
        }],
        ..Plan::default()
    })
}

const ACTIVITIES: &str = "outcomes/oc1/outputs/op1/activities";

fn set(path: &str, value: Json) -> Edit {
    Edit::Set { path: path.into(), value }
}

fn plan(doc: &Document) -> Plan {
    match doc.content().expect("reads") {
        Content::Plan(p) => p,
        other => panic!("expected a plan, got {:?}", other.kind()),
    }
}

#[test]
fn an_edit_is_one_change_with_time_and_actor() {
    let mut doc = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let hash =
        doc.apply(&set(&format!("{ACTIVITIES}/sop/budget"), json!(12000)), T0 + 5).expect("apply").expect("a change");
    let change = doc.last_local_change().expect("change");
    assert_eq!(change.hash(), hash);
    assert_eq!(change.timestamp(), T0 + 5);
    assert_eq!(change.actor_id(), &actor(1));
    assert_eq!(plan(&doc).activities().next().expect("activity").2.budget, 12000.0);
    assert_eq!(
        doc.apply(&set(&format!("{ACTIVITIES}/sop/budget"), json!(12000)), T0 + 6).expect("apply"),
        None,
        "no-op"
    );
}

#[test]
fn bad_values_name_the_field_and_write_nothing() {
    let mut doc = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let heads = doc.heads();
    let cases = [
        (
            set(&format!("{ACTIVITIES}/sop/type"), json!("party")),
            "outcomes/oc1/outputs/op1/activities/sop/type",
            "expected one of",
        ),
        (
            set(&format!("{ACTIVITIES}/sop/budget"), json!(-3)),
            "outcomes/oc1/outputs/op1/activities/sop/budget",
            "negative",
        ),
        (
            set(&format!("{ACTIVITIES}/sop/bugdet"), json!(3)),
            "outcomes/oc1/outputs/op1/activities/sop/bugdet",
            "no field `bugdet`",
        ),
        (
            set(&format!("{ACTIVITIES}/nope/budget"), json!(3)),
            "outcomes/oc1/outputs/op1/activities/nope/budget",
            "no item `nope`",
        ),
        (set("starts_on", json!("2026-02-30")), "starts_on", "not a date"),
        (set("title", json!("  ")), "title", "required"),
        (set("kind", json!("plan")), "kind", "set by the app"),
        (
            Edit::Insert { list: ACTIVITIES.into(), item: json!({"id": "sop", "title": "Again"}), before: None },
            ACTIVITIES,
            "already there",
        ),
        (
            Edit::Insert { list: ACTIVITIES.into(), item: json!({"id": "x", "title": ""}), before: None },
            "outcomes/oc1/outputs/op1/activities/x/title",
            "required",
        ),
    ];
    for (edit, field, message) in cases {
        match doc.apply(&edit, T0 + 1) {
            Err(Error::Invalid(e)) => {
                assert_eq!(e.field, field, "{edit:?} names its field");
                assert!(e.message.contains(message), "{edit:?}: `{}` should say `{message}`", e.message);
            }
            other => panic!("{edit:?} should be refused, got {other:?}"),
        }
    }
    assert_eq!(doc.heads(), heads, "refused edits write nothing");
}

#[test]
fn lists_insert_remove_and_move_by_id() {
    let mut doc = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let add = |id: &str, before: Option<&str>| Edit::Insert {
        list: ACTIVITIES.into(),
        item: json!({"id": id, "title": format!("Activity {id}"), "type": "coordination_mechanism"}),
        before: before.map(str::to_owned),
    };
    doc.apply(&add("a", None), T0).expect("add a");
    doc.apply(&add("b", Some("sop")), T0).expect("add b before sop");
    let ids = |doc: &Document| plan(doc).activities().map(|(_, _, a)| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&doc), ["b", "sop", "a"]);
    doc.apply(&Edit::Move { list: ACTIVITIES.into(), id: "b".into(), before: None }, T0).expect("move");
    assert_eq!(ids(&doc), ["sop", "a", "b"]);
    doc.apply(&Edit::Remove { list: ACTIVITIES.into(), id: "sop".into() }, T0).expect("remove");
    assert_eq!(ids(&doc), ["a", "b"]);
    let a = plan(&doc).activities().next().expect("a").2.clone();
    assert_eq!(a.activity_type, crate::vocabulary::ActivityType::CoordinationMechanism);
    assert_eq!(a.budget, 0.0, "missing fields take their defaults");
}

#[test]
fn concurrent_edits_are_reported_as_conflicts_and_resolvable() {
    let mut officer = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let mut counterpart = Document::load(&officer.save(), actor(2), T0).expect("load");
    let budget = format!("{ACTIVITIES}/sop/budget");
    officer.apply(&set(&budget, json!(9500)), T0 + 1).expect("officer sets budget");
    counterpart.apply(&set(&budget, json!(12000)), T0 + 2).expect("counterpart sets budget");
    // Both reword the objective, in different sentences.
    officer
        .apply(&set("objective/statement", json!("Border officials manage mixed flows safely.")), T0 + 3)
        .expect("o");
    counterpart
        .apply(&set("objective/statement", json!("All border officials manage mixed flows.")), T0 + 4)
        .expect("c");

    officer.apply_changes(counterpart.changes_since(&[])).expect("merge into officer");
    counterpart.apply_changes(officer.changes_since(&[])).expect("merge into counterpart");

    for doc in [&officer, &counterpart] {
        let snapshot = doc.read();
        assert_eq!(snapshot.conflicts.len(), 1, "only the budget conflicts: {:?}", snapshot.conflicts);
        let c = &snapshot.conflicts[0];
        assert_eq!(c.path, budget);
        let mut values: Vec<(i64, String)> =
            c.values.iter().map(|v| (v.value.as_i64().expect("number"), v.actor.clone())).collect();
        values.sort();
        assert_eq!(values, vec![(9500, actor(1).to_hex_string()), (12000, actor(2).to_hex_string())]);
        // Each value says when it was written, by its author's clock.
        let when = |actor: &ActorId| c.values.iter().find(|v| v.actor == actor.to_hex_string()).and_then(|v| v.time_ms);
        assert_eq!((when(&actor(1)), when(&actor(2))), (Some(T0 + 1), Some(T0 + 2)));
        assert_eq!(
            plan(doc).objective.statement,
            "All border officials manage mixed flows safely.",
            "both wording edits kept"
        );
    }
    assert_eq!(officer.read(), counterpart.read(), "both sides see the same document");

    // The officer picks the counterpart's value: the conflict is gone on both sides after sync.
    officer.apply(&set(&budget, json!(12000)), T0 + 10).expect("resolve");
    counterpart.apply_changes(officer.changes_since(&[])).expect("merge");
    assert!(officer.read().conflicts.is_empty() && counterpart.read().conflicts.is_empty());
    assert_eq!(plan(&counterpart).activities().next().expect("sop").2.budget, 12000.0);
}

#[test]
fn older_documents_are_upgraded_and_newer_ones_open_read_only() {
    // A schema-0 plan: no `schema`, no lists yet.
    let mut raw = Automerge::new().with_actor(actor(9));
    raw.transact::<_, _, AutomergeError>(|tx| {
        tx.put(automerge::ROOT, "kind", "plan")?;
        tx.put(automerge::ROOT, "title", "Old plan")
    })
    .expect("write");
    let doc = Document::load(&raw.save(), actor(1), T0).expect("opens");
    assert_eq!(doc.schema(), SCHEMA);
    assert_eq!(doc.changes_since(&raw.get_heads()).len(), 1, "the upgrade is one change to persist");
    assert_eq!(doc.read().value["outcomes"], json!([]));
    assert!(doc.read_only().is_none());

    let mut newer = Automerge::new();
    newer
        .transact::<_, _, AutomergeError>(|tx| {
            tx.put(automerge::ROOT, "kind", "plan")?;
            tx.put(automerge::ROOT, "schema", (SCHEMA + 1) as i64)?;
            tx.put(automerge::ROOT, "title", "From the future")
        })
        .expect("write");
    let mut doc = Document::load(&newer.save(), actor(1), T0).expect("opens read-only");
    assert_eq!(doc.read().value["title"], json!("From the future"), "still readable");
    let err = doc.apply(&set("title", json!("x")), T0).expect_err("read-only").to_string();
    assert!(err.contains("newer version of CD4MM Field") && err.contains("read-only"), "{err}");
    assert!(doc.read().read_only.is_some());

    assert!(matches!(Document::load(b"not automerge", actor(1), T0), Err(Error::NotADocument(_))));
}

#[test]
fn history_says_what_a_field_held_before_and_after_each_change() {
    let mut doc = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let budget = format!("{ACTIVITIES}/sop/budget");
    doc.apply(&set(&budget, json!(9500)), T0 + 1).expect("first");
    doc.apply(&set(&budget, json!(12000)), T0 + 2).expect("second");
    doc.apply(&set("objective/statement", json!("Border officials manage mixed flows well.")), T0 + 3).expect("text");
    doc.apply(&Edit::Remove { list: ACTIVITIES.into(), id: "sop".into() }, T0 + 4).expect("remove");

    let history = doc.history();
    let of = |summary: &str| history.iter().filter(|h| h.summary == summary).collect::<Vec<_>>();
    let budgets = of(&format!("set {budget}"));
    assert_eq!(budgets.len(), 2);
    // Newest first: 9,500 → 12,000, then 5,000 → 9,500, though the activity is gone now.
    let figures =
        |e: &HistoryEntry| (e.before.as_ref().and_then(Json::as_f64), e.after.as_ref().and_then(Json::as_f64));
    assert_eq!(figures(budgets[0]), (Some(9500.0), Some(12000.0)));
    assert_eq!(figures(budgets[1]), (Some(5000.0), Some(9500.0)));
    let text = of("set objective/statement");
    assert_eq!(text[0].before, Some(json!("Border officials manage mixed flows.")));
    assert_eq!(text[0].after, Some(json!("Border officials manage mixed flows well.")));
    // Items added or removed carry no values; neither does the creation.
    for entry in history.iter().filter(|h| !h.summary.starts_with("set ")) {
        assert_eq!((&entry.before, &entry.after), (&None, &None), "{}", entry.summary);
    }
}

#[test]
fn history_values_ignore_paths_that_lead_nowhere_or_to_whole_items() {
    let doc = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let heads = doc.doc.get_heads();
    for path in [
        "",
        "nope",
        "outcomes",
        "outcomes/oc1",
        "outcomes/oc9/statement",
        "outcomes/oc1/outputs/op1/activities/sop/budget/deeper",
        "title/x/y",
        &"a/".repeat(10_000),
    ] {
        assert_eq!(mapping::value_at(&doc.doc, path, &heads), None, "{path:.40}");
    }
    assert_eq!(mapping::value_at(&doc.doc, "outcomes/oc1/statement", &heads), Some(json!("SOPs in use")));
}

#[test]
fn a_text_pasted_over_another_is_replaced_not_diffed() {
    // Two unrelated long texts: a character diff costs length × distance
    // (minutes); the edit must stay linear, and still say exactly the new text.
    let mut doc = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let noise = |seed: u64, n: usize| {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                char::from(b'a' + (x >> 59) as u8 % 26)
            })
            .collect::<String>()
    };
    let (first, second) = (noise(1, 100_000), noise(2, 150_000));
    let started = std::time::Instant::now();
    doc.apply(&set("assumptions", json!(first)), T0 + 1).expect("first");
    doc.apply(&set("assumptions", json!(second)), T0 + 2).expect("second");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(plan(&doc).assumptions, second);
    // A small change inside a long text is still diffed: a concurrent edit of another sentence survives.
    let mut other = Document::load(&doc.save(), actor(2), T0).expect("load");
    let mine = format!("Start. {second}");
    let theirs = format!("{second} End.");
    doc.apply(&set("assumptions", json!(mine)), T0 + 3).expect("mine");
    other.apply(&set("assumptions", json!(theirs)), T0 + 4).expect("theirs");
    doc.apply_changes(other.changes_since(&[])).expect("merge");
    assert_eq!(plan(&doc).assumptions, format!("Start. {second} End."));
    // The history does not carry such texts as old and new values.
    let long = doc.history().into_iter().find(|h| h.summary == "set assumptions").expect("entry");
    assert_eq!((long.before, long.after), (None, None));
}

fn hashes(snapshot: &Snapshot) -> Vec<ChangeHash> {
    snapshot.heads.iter().map(|h| h.parse().expect("a hash")).collect()
}

/// A browser session's document on the server: its person read the plan,
/// went offline and edited; meanwhile a counterpart's edits arrived. The
/// queued edits land on the version they were made on, as a device's would.
#[test]
fn edits_made_on_an_older_version_merge_instead_of_overwriting() {
    let mut server = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let mut session = Document::load(&server.save(), actor(3), T0).expect("the officer's session");
    session.apply(&set("title", json!("Response plan 2027")), T0 + 1).expect("an online edit");
    let read = session.read(); // what the officer's screen shows, then the network goes
    let budget = format!("{ACTIVITIES}/sop/budget");

    // The counterpart, online, rewords the objective and sets the budget.
    let mut counterpart = Document::load(&server.save(), actor(2), T0).expect("counterpart");
    counterpart.apply_changes(session.changes_since(&[])).expect("sees the title");
    counterpart
        .apply(&set("objective/statement", json!("All border officials manage mixed flows.")), T0 + 2)
        .expect("reword");
    counterpart.apply(&set(&budget, json!(12000)), T0 + 3).expect("budget");
    session.apply_changes(counterpart.changes_since(&[])).expect("the session syncs");

    // The officer's queued edits arrive, each naming the version they were made on.
    let made_on = hashes(&read);
    let edits = [
        set("objective/statement", json!("Border officials manage mixed flows safely.")),
        set(&budget, json!(9500)),
        Edit::Insert {
            list: ACTIVITIES.into(),
            item: json!({"id": "train", "title": "Training of trainers"}),
            before: None,
        },
    ];
    for edit in &edits {
        assert!(session.apply_on(edit, &made_on, T0 + 5).expect("lands").is_some(), "{edit:?}");
    }

    let snapshot = session.read();
    let p = plan(&session);
    assert_eq!(p.objective.statement, "All border officials manage mixed flows safely.", "both rewordings kept");
    assert_eq!(p.title, "Response plan 2027", "the officer's own earlier edit stays");
    assert_eq!(p.activities().count(), 2, "the activity added offline is there");
    let conflict = snapshot.conflicts.iter().find(|c| c.path == budget).expect("the budget is a visible conflict");
    let mut values: Vec<i64> = conflict.values.iter().filter_map(|v| v.value.as_i64()).collect();
    values.sort();
    assert_eq!(values, vec![9500, 12000], "nothing overwritten unseen");

    // The same edits sent again (their answers lost on the way) change nothing.
    let heads = session.heads();
    for edit in &edits[2..] {
        assert_eq!(session.apply_on(edit, &made_on, T0 + 6).expect("again"), None);
    }
    let remove = Edit::Remove { list: ACTIVITIES.into(), id: "train".into() };
    assert!(session.apply_on(&remove, &made_on, T0 + 7).expect("remove").is_some());
    assert_eq!(session.apply_on(&remove, &made_on, T0 + 8).expect("remove again"), None);
    assert_ne!(session.heads(), heads);

    // Every change is the session's own, in sequence: the server takes them all.
    let mut elsewhere = Document::load(&server.save(), actor(4), T0).expect("elsewhere");
    elsewhere.apply_changes(session.changes_since(&[])).expect("all of the session's changes merge");
    assert_eq!(elsewhere.read().value, session.read().value);
    server.apply_changes(session.changes_since(&[])).expect("the server merges");
    assert_eq!(server.read().conflicts.len(), 1);
}

#[test]
fn edits_on_unknown_or_too_many_versions_are_refused_and_write_nothing() {
    let mut doc = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    let before = doc.heads();
    let stranger = Document::create("ws", &plan_with_activity(), actor(9), T0).expect("another");
    let edit = set("title", json!("x"));
    let err = doc.apply_on(&edit, &stranger.heads(), T0 + 1).expect_err("unknown version");
    assert!(err.to_string().contains("does not hold"), "{err}");
    let many = vec![before[0]; MAX_MADE_ON + 1];
    assert!(doc.apply_on(&edit, &many, T0 + 1).is_err());
    assert_eq!(doc.heads(), before, "nothing written");
    // With nobody else writing since, it is an ordinary edit.
    assert!(doc.apply_on(&edit, &before, T0 + 2).expect("lands").is_some());
    assert_eq!(plan(&doc).title, "x");
}

/// What the red team found: an edit made on an old version must not write
/// over what others removed, moved or added since.
#[test]
fn edits_on_an_old_version_respect_what_changed_since() {
    let mut server = Document::create("ws", &plan_with_activity(), actor(1), T0).expect("create");
    for id in ["a", "b"] {
        let item = json!({"id": id, "title": format!("Activity {id}")});
        server.apply(&Edit::Insert { list: ACTIVITIES.into(), item, before: None }, T0).expect("insert");
    }
    let mut session = Document::load(&server.save(), actor(3), T0).expect("session");
    let made_on = hashes(&session.read());
    let ids = |doc: &Document| plan(doc).activities().map(|(_, _, a)| a.id.clone()).collect::<Vec<_>>();

    // Others remove `a`, move `b` to the front, rename `sop` and add `c`.
    let mut other = Document::load(&server.save(), actor(2), T0).expect("other");
    other.apply(&Edit::Remove { list: ACTIVITIES.into(), id: "a".into() }, T0 + 1).expect("remove");
    other
        .apply(&Edit::Move { list: ACTIVITIES.into(), id: "b".into(), before: Some("sop".into()) }, T0 + 2)
        .expect("move");
    other.apply(&set(&format!("{ACTIVITIES}/sop/title"), json!("SOP drafting")), T0 + 3).expect("rename");
    let c = json!({"id": "c", "title": "Theirs"});
    other.apply(&Edit::Insert { list: ACTIVITIES.into(), item: c, before: None }, T0 + 4).expect("insert");
    session.apply_changes(other.changes_since(&[])).expect("sync");
    assert_eq!(ids(&session), ["b", "sop", "c"]);

    // Moving the removed item does nothing; moving `sop` moves it as it is now.
    let move_a = Edit::Move { list: ACTIVITIES.into(), id: "a".into(), before: None };
    assert_eq!(session.apply_on(&move_a, &made_on, T0 + 5).expect("move a"), None);
    let move_sop = Edit::Move { list: ACTIVITIES.into(), id: "sop".into(), before: Some("b".into()) };
    assert!(session.apply_on(&move_sop, &made_on, T0 + 6).expect("move sop").is_some());
    assert_eq!(ids(&session), ["sop", "b", "c"], "nothing brought back, nothing doubled");
    assert_eq!(plan(&session).activities().next().expect("sop").2.title, "SOP drafting", "their rename kept");

    // A value inside the removed item is refused, not written where nobody sees it.
    let inside = set(&format!("{ACTIVITIES}/a/budget"), json!(100));
    assert!(session.apply_on(&inside, &made_on, T0 + 7).is_err());
    // An item with an id added since is refused; the same one sent again changes nothing.
    let mine = json!({"id": "c", "title": "Mine"});
    assert!(
        session
            .apply_on(&Edit::Insert { list: ACTIVITIES.into(), item: mine, before: None }, &made_on, T0 + 8)
            .is_err()
    );
    let theirs = json!({"id": "c", "title": "Theirs"});
    let again = Edit::Insert { list: ACTIVITIES.into(), item: theirs, before: None };
    assert_eq!(session.apply_on(&again, &made_on, T0 + 9).expect("again"), None);
    assert_eq!(ids(&session), ["sop", "b", "c"]);
}
