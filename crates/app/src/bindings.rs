//! The UI's TypeScript types, generated from the Rust definitions so they are
//! never written twice. `tests/bindings.rs` fails when `ui/src/lib/bindings.ts`
//! is stale; `UPDATE_BINDINGS=1 cargo test -p cd4mm-app` rewrites it.

use crate::commands::{AppError, Command, Reply};
use std::collections::BTreeMap;
use ts_rs::{Config, TS, TypeVisitor};

/// Where the generated file lives, relative to the repository root.
pub const PATH: &str = "ui/src/lib/bindings.ts";

/// Collects the declaration of every named type reachable from the roots.
struct Collect<'a> {
    cfg: &'a Config,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() {
            return; // a primitive or a built-in: nothing to declare
        }
        let name = T::ident(self.cfg);
        if self.decls.contains_key(&name) {
            return;
        }
        self.decls.insert(name, T::decl(self.cfg));
        T::visit_dependencies(self);
    }
}

/// The whole TypeScript file.
pub fn typescript() -> String {
    // Counts and sizes fit JavaScript numbers; `bigint` would burden the UI.
    let cfg = Config::new().with_large_int("number");
    let mut collect = Collect { cfg: &cfg, decls: BTreeMap::new() };
    collect.visit::<Command>();
    collect.visit::<Reply>();
    collect.visit::<AppError>();
    collect.visit::<crate::commands::SyncStatus>();
    // The content of each kind of document, to read a `Snapshot`'s value.
    collect.visit::<cd4mm_core::Content>();
    let mut out = String::from(
        "// Generated from the Rust command API (crates/app) by `UPDATE_BINDINGS=1 cargo test -p cd4mm-app`.\n\
         // Do not edit: change the Rust types and regenerate.\n\n",
    );
    for decl in collect.decls.values() {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str(&constants());
    out
}

/// Facts the UI needs as values, not only types.
fn constants() -> String {
    use cd4mm_core::Role;
    let writes: serde_json::Map<String, serde_json::Value> =
        Role::ALL.iter().map(|r| (r.code().to_owned(), serde_json::json!(r.writes()))).collect();
    format!(
        "/** The kinds of document each workspace role may write (`Role::may_write`). */\n\
         export const ROLE_WRITES: Record<Role, Kind[]> = {};\n",
        serde_json::Value::Object(writes)
    )
}
