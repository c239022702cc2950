//! The UI's TypeScript types and shared facts must match the Rust.

#[test]
fn typescript_bindings_are_up_to_date() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (file, generated) in cd4mm_app::bindings::files() {
        let path = root.join(file);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("ui/src/lib");
            std::fs::write(&path, &generated).expect("write bindings");
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(on_disk == generated, "{file} is stale: run `UPDATE_BINDINGS=1 cargo test -p cd4mm-app` and commit it");
    }
    let types = cd4mm_app::bindings::typescript();
    for name in
        ["Command", "Reply", "AppError", "Edit", "Snapshot", "Conflict", "Plan", "Assessment", "Kind", "Dashboard"]
    {
        assert!(types.contains(&format!("export type {name} ")), "the bindings declare {name}");
    }
}
