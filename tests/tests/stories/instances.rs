//! Scale-out: two `cd4mm-server` instances on one PostgreSQL database serve
//! the same workspace. A device on each converges with the other, and news of
//! an edit made through one instance reaches a device listening on the other
//! (PostgreSQL `LISTEN/NOTIFY`).

use crate::common::{Backend, TestServer, device};
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Edit};
use serde_json::json;
use std::time::{Duration, Instant};

const WS: &str = "region";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_converge_and_share_news() {
    let first = TestServer::start_on(Backend::Postgres).await;
    let second = first.second_instance().await;
    first.member(WS, "ama", "editor");
    first.member(WS, "esi", "counterpart");
    let mut ama = device(&first, "ama").await;
    let mut esi = device(&second, "esi").await;

    ama.store
        .create("plan", WS, &Content::Plan(Plan { title: "Regional plan".into(), ..Plan::default() }), 1)
        .expect("create");
    ama.sync(&[WS]).await.expect("ama syncs with the first instance");
    esi.sync(&[WS]).await.expect("esi syncs with the second instance");
    assert_eq!(esi.store.read("plan").expect("plan").value["title"], json!("Regional plan"));

    // Concurrent offline edits through different instances.
    ama.store.edit("plan", &Edit::Set { path: "currency".into(), value: json!("USD") }, 2).expect("edit");
    esi.store
        .edit("plan", &Edit::Set { path: "assumptions".into(), value: json!("Staff stay in post.") }, 3)
        .expect("edit");
    let mut news = esi.client.subscribe().await.expect("esi listens on the second instance");
    let started = Instant::now();
    ama.sync(&[WS]).await.expect("ama sends through the first instance");
    let heard = tokio::time::timeout(Duration::from_secs(10), news.next()).await.expect("news crosses instances");
    assert_eq!(heard.as_deref(), Some(WS));
    eprintln!("news crossed instances in {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    esi.sync(&[WS]).await.expect("esi syncs");
    ama.sync(&[WS]).await.expect("ama syncs");
    assert_eq!(ama.store.read("plan").expect("ama"), esi.store.read("plan").expect("esi"), "both devices converge");
    let value = ama.store.read("plan").expect("plan").value;
    assert_eq!((value["currency"].clone(), value["assumptions"].clone()), (json!("USD"), json!("Staff stay in post.")));
    drop(news);
    second.stop().await;
    first.stop().await;
}
