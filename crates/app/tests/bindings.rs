//! The UI's TypeScript types must match the Rust command API.

#[test]
fn typescript_bindings_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(cd4mm_app::bindings::PATH);
    let generated = cd4mm_app::bindings::typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("ui/src/lib");
        std::fs::write(&path, &generated).expect("write bindings");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "{} is stale: run `UPDATE_BINDINGS=1 cargo test -p cd4mm-app` and commit it",
        cd4mm_app::bindings::PATH
    );
    for name in ["Command", "Reply", "AppError", "Edit", "Snapshot", "Conflict", "Plan", "Assessment", "Kind"] {
        assert!(generated.contains(&format!("export type {name} ")), "the bindings declare {name}");
    }
}
