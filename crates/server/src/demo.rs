//! `cd4mm-server demo`: a demo workspace on this server, so a fresh install has
//! something to look at. The data is the store's demo engagement
//! (`cd4mm_demo`), written on a scratch device and sent through the
//! same sync round as any device's changes; a second device (the
//! counterpart's) leaves one budget in conflict, as in scenario 2. A regional
//! officer reads every workspace of the countries their role covers.

use crate::access::Role;
use crate::auth::{self, Device};
use crate::storage::Storage;
use cd4mm_core::Edit;
use cd4mm_demo::REGION;
use cd4mm_store::Store;
use cd4mm_sync::session::{self, RoundFailure};

pub const WORKSPACE: &str = "ghana-border";
/// The demo accounts' password. Demo data only: never on a real server.
pub const PASSWORD: &str = "cd4mm-demo";
/// The demo plan's field that holds a conflict (officer 5,200 vs counterpart 4,500).
pub const CONFLICTED_BUDGET: &str = "outcomes/oc1/outputs/op1/activities/act2/budget";

/// A device of `user` with its own store in `dir`, enrolled on this server.
fn scratch_device(db: &dyn Storage, dir: &std::path::Path, user: &str, now: i64) -> Result<(Store, Device), String> {
    let fail = |e: crate::storage::Error| e.message;
    let store = Store::open(&dir.join(format!("{user}.sqlite3"))).map_err(|e| e.to_string())?;
    let enrolment = db.enrol(user, PASSWORD, "demo data", &store.actor().to_hex_string(), now).map_err(fail)?;
    let secret = enrolment.token.split_once('.').map(|(_, s)| s).unwrap_or_default();
    let device = db.authenticate(&enrolment.device_id, &auth::token_digest(secret)).map_err(fail)?;
    Ok((store, device))
}

/// One in-process sync of a scratch device with the demo workspace.
fn sync(db: &dyn Storage, store: &mut Store, device: &Device, now: i64) -> Result<(), String> {
    sync_all(db, store, device, &[WORKSPACE.to_owned()], now)
}

fn sync_all(
    db: &dyn Storage,
    store: &mut Store,
    device: &Device,
    workspaces: &[String],
    now: i64,
) -> Result<(), String> {
    session::sync_in_process::<crate::storage::Error>(store, workspaces, now, |request| {
        db.sync(device, request, cd4mm_sync::wire::PROTOCOL, 1024 * 1024, now)
            .map(|o| o.response)
            .map_err(RoundFailure::Failed)
    })
    .map_err(|e| e.message)
}

/// Create the demo accounts and workspace and fill it; the text to print.
pub fn seed(db: &dyn Storage) -> Result<String, String> {
    let fail = |e: crate::storage::Error| e.message;
    let now = crate::now_ms();
    db.add_workspace(WORKSPACE, "Northern border crossings", "Ghana", now).map_err(fail)?;
    for c in &REGION {
        db.add_workspace(c.workspace, c.title, c.country, now).map_err(fail)?;
    }
    for (user, role, admin) in [
        ("officer", Some(Role::Editor), false),
        ("counterpart", Some(Role::Counterpart), false),
        ("regional", None, false),
        ("admin", None, true),
    ] {
        db.add_user(user, PASSWORD, admin, now).map_err(fail)?;
        if let Some(role) = role {
            db.add_member(WORKSPACE, user, role).map_err(fail)?;
        }
    }
    // The regional officer is a member of nothing: their role covers countries.
    for country in countries() {
        db.cover("regional", country).map_err(fail)?;
    }

    let scratch = std::env::temp_dir().join(format!("cd4mm-demo-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let result = (|| {
        // The officer's device records the engagement and syncs it.
        let (mut officer, officer_device) = scratch_device(db, &scratch, "officer", now)?;
        cd4mm_demo::seed(&mut officer, WORKSPACE, cd4mm_demo::START_MS).map_err(|e| e.to_string())?;
        sync(db, &mut officer, &officer_device, now)?;
        // Scenario 2's conflict, made the way it happens in the field: the
        // counterpart's device and the officer's both change one budget while
        // offline, then both sync. The UI shows it until someone picks a value.
        let (mut counterpart, counterpart_device) = scratch_device(db, &scratch, "counterpart", now)?;
        sync(db, &mut counterpart, &counterpart_device, now)?;
        let budget = |value: f64| Edit::Set { path: CONFLICTED_BUDGET.into(), value: serde_json::json!(value) };
        let when = cd4mm_demo::START_MS + 40 * 86_400_000;
        counterpart.edit("plan", &budget(4_500.0), when).map_err(|e| e.to_string())?;
        officer.edit("plan", &budget(5_200.0), when).map_err(|e| e.to_string())?;
        sync(db, &mut counterpart, &counterpart_device, now)?;
        sync(db, &mut officer, &officer_device, now)?;
        // The other countries' engagements, for the regional review (scenario
        // 6), written by the administrator's scratch device.
        let (mut region, admin_device) = scratch_device(db, &scratch, "admin", now)?;
        for c in &REGION {
            cd4mm_demo::seed_country(&mut region, c, cd4mm_demo::START_MS).map_err(|e| e.to_string())?;
        }
        let ids: Vec<String> = REGION.iter().map(|c| c.workspace.to_owned()).collect();
        sync_all(db, &mut region, &admin_device, &ids, now)?;
        Ok::<_, String>(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result?;
    Ok(format!(
        "demo workspace `{WORKSPACE}` and {} more countries ready; sign in as officer, counterpart, regional \
         (reads every workspace in {}) or admin with the password `{PASSWORD}`",
        REGION.len(),
        countries().join(", ")
    ))
}

/// Every country of the demo, Ghana first: what the regional officer covers.
pub fn countries() -> Vec<&'static str> {
    std::iter::once("Ghana").chain(REGION.iter().map(|c| c.country)).collect()
}
