//! The command API checks who asks: a workspace role limits what may be
//! written, a server administrator may write everything, and a device used
//! without a server is its user's own.

use cd4mm_app::{AppError, Caller, Command, Reply, WorkspaceInfo, execute};
use cd4mm_core::Code;
use cd4mm_core::{Edit, Kind, Role};
use cd4mm_store::Store;
use serde_json::json;
use std::collections::HashMap;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("app.sqlite3")).expect("store");
    (dir, store)
}

fn create(id: &str, workspace: &str, kind: Kind) -> Command {
    Command::CreateDocument {
        id: id.into(),
        workspace: workspace.into(),
        kind,
        title: format!("The {id}"),
        template: None,
        baseline: None,
    }
}

fn retitle(id: &str) -> Command {
    Command::EditDocument {
        made_on: None,
        id: id.into(),
        edit: Edit::Set { path: "title".into(), value: json!("Renamed") },
    }
}

fn member(role: Role) -> Vec<WorkspaceInfo> {
    vec![WorkspaceInfo { id: "gh".into(), name: "Ghana border".into(), country: "GH".into(), role }]
}

fn no_names() -> Result<HashMap<String, String>, AppError> {
    Ok(HashMap::new())
}

fn caller(role: Role, admin: bool) -> Caller<'static> {
    Caller { memberships: Some(member(role)), admin, authors: &no_names }
}

#[test]
fn a_role_limits_what_may_be_written() {
    let (_dir, mut store) = store();
    execute(&mut store, &Caller::local(), create("eng", "gh", Kind::Engagement), 1).expect("made while local");
    let counterpart = caller(Role::Counterpart, false);
    execute(&mut store, &counterpart, create("plan", "gh", Kind::Plan), 2).expect("a counterpart writes plans");
    execute(&mut store, &counterpart, retitle("plan"), 3).expect("and edits them");
    let refused = execute(&mut store, &counterpart, retitle("eng"), 4).expect_err("not the engagement");
    assert_eq!(refused.code, Code::Forbidden);
    assert!(refused.message.contains("counterpart"), "{}", refused.message);
    let viewer = caller(Role::Viewer, false);
    assert_eq!(execute(&mut store, &viewer, retitle("plan"), 5).expect_err("a viewer reads").code, Code::Forbidden);
    let err = execute(&mut store, &viewer, create("other", "sn", Kind::Plan), 5).expect_err("not a member");
    assert!(err.message.contains("not a member"), "{}", err.message);
    // Reading is never refused.
    assert!(matches!(
        execute(&mut store, &viewer, Command::ReadDocument { id: "eng".into() }, 6),
        Ok(Reply::Document(_))
    ));
}

#[test]
fn a_counterpart_rates_validates_and_scopes_but_does_not_design() {
    let (_dir, mut store) = store();
    let local = Caller::local();
    execute(&mut store, &local, create("eng", "gh", Kind::Engagement), 1).expect("engagement");
    let assessment = |id: &str, template: Option<&str>, baseline: Option<&str>| Command::CreateDocument {
        id: id.into(),
        workspace: "gh".into(),
        kind: Kind::Assessment,
        title: format!("The {id}"),
        template: template.map(Into::into),
        baseline: baseline.map(Into::into),
    };
    let start = assessment("a", Some("generic_capacity"), None);
    execute(&mut store, &local, start.clone(), 1).expect("an officer starts the assessment");
    let counterpart = caller(Role::Counterpart, false);
    let set = |id: &str, path: &str, value: serde_json::Value| Command::EditDocument {
        made_on: None,
        id: id.into(),
        edit: Edit::Set { path: path.into(), value },
    };
    let Reply::Document(doc) = execute(&mut store, &local, Command::ReadDocument { id: "a".into() }, 2).expect("read")
    else {
        panic!("a document")
    };
    let question = doc.value["responses"].as_object().and_then(|r| r.keys().next().cloned()).expect("a question");
    execute(&mut store, &counterpart, set("a", &format!("responses/{question}/existing"), json!(2)), 3).expect("rates");
    execute(&mut store, &counterpart, set("eng", "scope/why", json!("Ours")), 3).expect("scopes");
    let validate = Command::ValidateAssessment {
        id: "a".into(),
        by: "Ama Mensah".into(),
        on: cd4mm_core::Date::parse("2026-11-30").expect("date"),
        meeting: "workshop".into(),
    };
    execute(&mut store, &counterpart, validate, 4).expect("validates");

    let refused = execute(&mut store, &counterpart, set("a", "title", json!("Ours")), 5).expect_err("not the title");
    assert_eq!(refused.code, Code::Forbidden);
    assert!(refused.message.contains("not `title`") && refused.message.contains("`responses`"), "{}", refused.message);
    let refused = execute(&mut store, &counterpart, start, 5).expect_err("not a new assessment");
    assert!(refused.message.contains("may not start new assessment"), "{}", refused.message);

    // A re-assessment runs the baseline's own instrument, and compares with it.
    let again = assessment("b", None, Some("a"));
    execute(&mut store, &local, again, 6).expect("re-assess");
    let Reply::Assessment(summary) =
        execute(&mut store, &local, Command::AssessmentSummary { id: "b".into() }, 7).expect("summary")
    else {
        panic!("a summary")
    };
    assert!(!summary.comparison.is_empty(), "compared with the baseline");
    let Reply::Assessment(summary) =
        execute(&mut store, &local, Command::AssessmentSummary { id: "a".into() }, 7).expect("summary")
    else {
        panic!("a summary")
    };
    assert_eq!(summary.validation, cd4mm_core::assessment::ValidationState::Validated);
}

#[test]
fn a_server_administrator_writes_where_their_role_would_not() {
    let (_dir, mut store) = store();
    execute(&mut store, &Caller::local(), create("eng", "gh", Kind::Engagement), 1).expect("made while local");
    // The desktop once treated every signed-in user as a non-administrator.
    let admin = caller(Role::Viewer, true);
    execute(&mut store, &admin, retitle("eng"), 2).expect("an administrator writes");
    execute(&mut store, &admin, create("new", "gh", Kind::Assessment), 3)
        .expect_err("an assessment still needs its template");
    execute(&mut store, &admin, create("plan", "gh", Kind::Plan), 3).expect("an administrator creates");
}

#[test]
fn workspaces_are_the_memberships_and_what_was_made_here_before_signing_in() {
    let (_dir, mut store) = store();
    execute(&mut store, &Caller::local(), create("offline", "made-offline", Kind::Engagement), 1).expect("local");
    let Reply::Workspaces(list) =
        execute(&mut store, &caller(Role::Editor, false), Command::Workspaces, 2).expect("ws")
    else {
        panic!("workspaces")
    };
    let ids: Vec<(&str, Role)> = list.iter().map(|w| (w.id.as_str(), w.role)).collect();
    assert_eq!(ids, [("gh", Role::Editor), ("made-offline", Role::Owner)]);
}

#[test]
fn history_names_the_authors_the_caller_knows() {
    let (_dir, mut store) = store();
    execute(&mut store, &Caller::local(), create("plan", "gh", Kind::Plan), 1).expect("plan");
    let actor = store.actor().to_hex_string();
    let names = move || Ok(HashMap::from([(actor.clone(), "ama".to_owned())]));
    let named = Caller { memberships: Some(member(Role::Editor)), admin: false, authors: &names };
    let Reply::History(entries) = execute(&mut store, &named, Command::History { id: "plan".into() }, 2).expect("h")
    else {
        panic!("history")
    };
    assert_eq!(entries[0].author.as_deref(), Some("ama"));
    let Reply::History(entries) =
        execute(&mut store, &Caller::local(), Command::History { id: "plan".into() }, 2).expect("history")
    else {
        panic!("history")
    };
    assert_eq!(entries[0].author, None);
}
