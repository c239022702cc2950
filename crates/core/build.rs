//! Embeds every file under `data/templates` and `data/toolbox`, so a data file
//! added to the folder ships without touching code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    for folder in ["templates", "toolbox"] {
        let dir = Path::new("data").join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("data folder exists")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        writeln!(code, "pub const {}: &[(&str, &str)] = &[", folder.to_uppercase()).expect("write to string");
        for f in files {
            let name = f.file_name().and_then(|n| n.to_str()).expect("utf-8 file name");
            let abs = std::fs::canonicalize(&f).expect("file exists");
            writeln!(code, "    ({:?}, include_str!({:?})),", format!("{folder}/{name}"), abs.display())
                .expect("write");
        }
        code.push_str("];\n");
    }
    std::fs::write(Path::new(&out).join("embedded_data.rs"), code).expect("write embedded_data.rs");
}
