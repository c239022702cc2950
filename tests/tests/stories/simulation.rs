//! A seeded simulation of a region's bad days: three honest devices and a
//! hostile one against a real server, over a network that drops requests,
//! loses answers, delivers requests twice or late and out of order, while
//! the server restarts and devices die between sending and keeping an
//! answer. At the end every honest edit is on every device exactly once,
//! the devices agree, and nothing hostile was stored anywhere.
//!
//! `CD4MM_SIM_SEEDS=500 cargo test --test simulation -- --nocapture` runs
//! more seeds (CI runs a few); a failure names its seed, and
//! `CD4MM_SIM_SEED=N` runs that one alone.

use crate::common::{TestServer, device};
use cd4mm_core::automerge::transaction::Transactable;
use cd4mm_core::automerge::{ActorId, Automerge, AutomergeError, ObjType};
use cd4mm_core::engagement::Engagement;
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Edit, SCHEMA};
use cd4mm_store::Store;
use cd4mm_sync::session::{self, Budget, Round};
use cd4mm_sync::wire::{self, OutChange, SyncRequest, SyncResponse};
use serde_json::json;
use std::collections::BTreeSet;

const WS: &str = "ws";

/// A small, seedable generator (xorshift): no dependency, same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Sim {
    /// `None` only while it restarts.
    server: Option<TestServer>,
    http: reqwest::Client,
    /// Honest devices: a store's file (reopened after a kill), its token, its role.
    devices: Vec<SimDevice>,
    hostile_token: String,
    hostile_actor: ActorId,
    /// Requests delivered late: who sent it and what.
    late: Vec<(usize, Round)>,
    /// Every honest item id, per list, that must arrive exactly once.
    outcomes: BTreeSet<String>,
    log: BTreeSet<String>,
    hostile_docs: Vec<String>,
    seed: u64,
}

struct SimDevice {
    store: Option<Store>,
    path: std::path::PathBuf,
    _dir: tempfile::TempDir,
    token: String,
    writes_engagement: bool,
}

impl SimDevice {
    fn store(&mut self) -> &mut Store {
        if self.store.is_none() {
            self.store = Some(Store::open(&self.path).expect("the device's store reopens"));
        }
        self.store.as_mut().expect("store")
    }
}

impl Sim {
    /// Send a request; `None` when the server answered with an error that
    /// the device handles by starting over (`cursor_ahead`).
    async fn send(&self, token: &str, request: &SyncRequest) -> Result<SyncResponse, u16> {
        let response = self
            .http
            .post(format!("{}/v1/sync", self.url()))
            .bearer_auth(token)
            .body(wire::encode(request))
            .send()
            .await
            .unwrap_or_else(|e| panic!("seed {}: the server answers ({e})", self.seed));
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("body");
        if status != 200 {
            return Err(status);
        }
        Ok(wire::decode(&body).unwrap_or_else(|e| panic!("seed {}: a readable answer ({e})", self.seed)))
    }

    async fn round(&mut self, who: usize, rng: &mut Rng) {
        let answer = [4 * 1024, 16 * 1024, 1 << 20][rng.below(3) as usize];
        let upload = [session::MIN_UPLOAD, session::MAX_UPLOAD][rng.below(2) as usize];
        let store = self.devices[who].store();
        let round = session::request(store, &[WS.to_owned()], Budget::of(answer, upload)).expect("request");
        let token = self.devices[who].token.clone();
        match rng.below(10) {
            // The request never arrives.
            0 => {}
            // It arrives, its answer is lost.
            1 => {
                let _ = self.send(&token, &round.request).await;
            }
            // It arrives twice; the device keeps the second answer.
            2 => {
                let _ = self.send(&token, &round.request).await;
                self.deliver(who, &token, &round).await;
            }
            // It arrives later, after other traffic.
            3 => self.late.push((who, round)),
            // The device dies after sending, before keeping the answer.
            4 => {
                let _ = self.send(&token, &round.request).await;
                self.devices[who].store = None;
            }
            _ => self.deliver(who, &token, &round).await,
        }
    }

    async fn deliver(&mut self, who: usize, token: &str, round: &Round) {
        let seed = self.seed;
        match self.send(token, &round.request).await {
            Ok(response) => {
                let store = self.devices[who].store();
                session::absorb(store, round, &response, 1_000).unwrap_or_else(|e| panic!("seed {seed}: absorb ({e})"));
                assert!(
                    response.refused.is_empty(),
                    "seed {seed}: an honest change was refused: {:?}",
                    response.refused
                );
            }
            // The device read further than the server holds (a late answer
            // from before a restart, say): it starts over, as the client does.
            Err(409) => self.devices[who].store().forget_sync_state().expect("start over"),
            Err(status) => panic!("seed {seed}: an honest request was refused with {status}"),
        }
    }

    async fn deliver_late(&mut self, rng: &mut Rng) {
        if self.late.is_empty() {
            return;
        }
        let (who, round) = self.late.remove(rng.below(self.late.len() as u64) as usize);
        let token = self.devices[who].token.clone();
        // A late answer is usually lost too (the device gave up on it).
        if rng.below(2) == 0 {
            self.deliver(who, &token, &round).await;
        } else {
            let _ = self.send(&token, &round.request).await;
        }
    }

    fn edit(&mut self, who: usize, n: u64) {
        let device = &mut self.devices[who];
        let engagement = device.writes_engagement && n.is_multiple_of(2);
        let id = format!("d{who}-{n}");
        let store = device.store();
        if engagement {
            let item = json!({"id": id, "summary": format!("note {n}")});
            store.edit("eng", &Edit::Insert { list: "log".into(), item, before: None }, 10 + n as i64).expect("edit");
            self.log.insert(id);
        } else {
            let item = json!({"id": id, "statement": format!("outcome {n}")});
            store
                .edit("plan", &Edit::Insert { list: "outcomes".into(), item, before: None }, 10 + n as i64)
                .expect("edit");
            self.outcomes.insert(id);
        }
    }

    /// A hostile change, sent raw by the counterpart's other device.
    async fn hostile(&mut self, n: u64, rng: &mut Rng) {
        let doc_id = format!("evil-{n}");
        let kind = ["engagement", "toolbox", "plan", "plan"][rng.below(4) as usize];
        let mut doc = Automerge::new().with_actor(self.hostile_actor.clone());
        let nested = rng.below(2) == 0;
        doc.transact::<_, _, AutomergeError>(|tx| {
            tx.put(cd4mm_core::automerge::ROOT, "kind", kind)?;
            tx.put(cd4mm_core::automerge::ROOT, "schema", SCHEMA as i64)?;
            tx.put(cd4mm_core::automerge::ROOT, "workspace", WS)?;
            if nested || kind == "plan" {
                let mut obj = tx.put_object(cd4mm_core::automerge::ROOT, "outcomes", ObjType::Map)?;
                for _ in 0..200 {
                    obj = tx.put_object(&obj, "d", ObjType::Map)?;
                }
            }
            Ok(())
        })
        .expect("hostile change");
        let bytes = doc.get_last_local_change().expect("change").raw_bytes().to_vec();
        let request = SyncRequest {
            epoch: None,
            budget: 4096,
            cursors: vec![],
            changes: vec![OutChange { workspace: WS.into(), doc_id: doc_id.clone(), kind: "plan".into(), bytes }],
        };
        let token = self.hostile_token.clone();
        let answer = self.send(&token, &request).await;
        let refused = answer.as_ref().map(|r| r.refused.len()).unwrap_or(1);
        assert_eq!(refused, 1, "seed {}: the hostile change {doc_id} ({kind}) was refused", self.seed);
        self.hostile_docs.push(doc_id);
    }

    async fn restart(&mut self) {
        let server = self.server.take().expect("a server");
        let data = server.stop().await;
        self.server = Some(TestServer::start_in(data, |_| {}).await);
    }

    fn url(&self) -> &str {
        &self.server.as_ref().expect("a server").url
    }
}

async fn run(seed: u64) {
    let server = TestServer::start().await;
    server.member(WS, "ama", "owner");
    server.member(WS, "kofi", "editor");
    server.member(WS, "esi", "counterpart");
    let mut ama = device(&server, "ama").await;
    // Ama's device writes the two documents everyone then works on.
    ama.store
        .create("eng", WS, &Content::Engagement(Engagement { title: "Border".into(), ..Engagement::default() }), 1)
        .expect("engagement");
    ama.store.create("plan", WS, &Content::Plan(Plan { title: "Plan".into(), ..Plan::default() }), 1).expect("plan");
    ama.sync(&[WS]).await.expect("seed");
    let mut kofi = device(&server, "kofi").await;
    let mut esi = device(&server, "esi").await;
    kofi.sync(&[WS]).await.expect("kofi's first sync");
    esi.sync(&[WS]).await.expect("esi's first sync");
    let mut devices = Vec::new();
    for (d, engagement) in [(ama, true), (kofi, true), (esi, false)] {
        let path = d.store.path().to_owned();
        devices.push(SimDevice {
            store: Some(d.store),
            path,
            _dir: d.dir,
            token: d.client.token().to_owned(),
            writes_engagement: engagement,
        });
    }
    let hostile = device(&server, "esi").await;
    let mut sim = Sim {
        server: Some(server),
        http: cd4mm_sync::http_client(),
        devices,
        hostile_token: hostile.client.token().to_owned(),
        hostile_actor: hostile.store.actor().clone(),
        late: Vec::new(),
        outcomes: BTreeSet::new(),
        log: BTreeSet::new(),
        hostile_docs: Vec::new(),
        seed,
    };

    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for step in 0..60u64 {
        let who = rng.below(3) as usize;
        match rng.below(20) {
            0..=6 => sim.edit(who, step),
            7..=14 => sim.round(who, &mut rng).await,
            15..=16 => sim.deliver_late(&mut rng).await,
            17 => sim.hostile(step, &mut rng).await,
            18 => sim.restart().await,
            _ => sim.devices[who].store = None, // killed, reopened on next use
        }
    }

    // The network heals: late requests arrive, then everyone syncs until done.
    while !sim.late.is_empty() {
        sim.deliver_late(&mut rng).await;
    }
    for _ in 0..2 {
        for who in 0..3 {
            for _ in 0..50 {
                let round =
                    session::request(sim.devices[who].store(), &[WS.to_owned()], Budget::default()).expect("request");
                let token = sim.devices[who].token.clone();
                let response = match sim.send(&token, &round.request).await {
                    Ok(r) => r,
                    Err(409) => {
                        sim.devices[who].store().forget_sync_state().expect("start over");
                        continue;
                    }
                    Err(status) => panic!("seed {seed}: refused with {status}"),
                };
                let done =
                    session::absorb(sim.devices[who].store(), &round, &response, 2_000).expect("absorb").finished;
                if done {
                    break;
                }
            }
        }
    }

    let ids = |store: &mut Store, doc: &str, list: &str| -> Vec<String> {
        store.read(doc).expect("document").value[list]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    let reference = sim.devices[0].store().read("plan").expect("plan").value;
    let engagement = sim.devices[0].store().read("eng").expect("eng").value;
    for who in 0..3 {
        let store = sim.devices[who].store();
        let outcomes = ids(store, "plan", "outcomes");
        let log = ids(store, "eng", "log");
        assert_eq!(outcomes.iter().cloned().collect::<BTreeSet<_>>(), sim.outcomes, "seed {seed}: device {who}'s plan");
        assert_eq!(outcomes.len(), sim.outcomes.len(), "seed {seed}: device {who}: an outcome twice");
        assert_eq!(log.iter().cloned().collect::<BTreeSet<_>>(), sim.log, "seed {seed}: device {who}'s log");
        assert_eq!(store.read("plan").expect("plan").value, reference, "seed {seed}: device {who} converged");
        assert_eq!(store.read("eng").expect("eng").value, engagement, "seed {seed}: device {who} converged");
        assert_eq!(store.unacked_count().expect("unacked"), 0, "seed {seed}: device {who} sent everything");
        assert!(store.not_accepted().expect("list").is_empty(), "seed {seed}: nothing honest refused");
        for evil in &sim.hostile_docs {
            assert!(store.read(evil).is_err(), "seed {seed}: hostile {evil} reached device {who}");
        }
    }
    // And a brand-new device gets the same, with nothing hostile.
    let server = sim.server.take().expect("a server");
    let mut fresh = device(&server, "kofi").await;
    fresh.sync(&[WS]).await.expect("a new device syncs");
    let listed: Vec<String> = fresh.store.list(Some(WS)).expect("list").into_iter().map(|d| d.id).collect();
    assert_eq!(listed, vec!["eng".to_owned(), "plan".to_owned()], "seed {seed}: only the honest documents");
    assert_eq!(fresh.store.read("plan").expect("plan").value, reference, "seed {seed}: the server holds it all");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_converge_through_a_hostile_and_broken_network() {
    let seeds: Vec<u64> = match (std::env::var("CD4MM_SIM_SEED"), std::env::var("CD4MM_SIM_SEEDS")) {
        (Ok(one), _) => vec![one.parse().expect("CD4MM_SIM_SEED is a number")],
        (_, Ok(n)) => (1..=n.parse().expect("CD4MM_SIM_SEEDS is a number")).collect(),
        _ => (1..=8).collect(),
    };
    for seed in seeds {
        eprintln!("simulation seed {seed}");
        run(seed).await;
    }
}
