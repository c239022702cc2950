//! Embeds every file under `data/templates` and `data/toolbox`, and their
//! translations in `data/<folder>/<language>/`, so a data file added to a
//! folder ships without touching code.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The `.json` files directly in `dir`, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("data folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).expect("utf-8 file name")
}

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    for folder in ["templates", "toolbox"] {
        let dir = Path::new("data").join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let upper = folder.to_uppercase();
        writeln!(code, "pub const {upper}: &[(&str, &str)] = &[").expect("write to string");
        for f in json_files(&dir) {
            let abs = std::fs::canonicalize(&f).expect("file exists");
            writeln!(code, "    ({:?}, include_str!({:?})),", format!("{folder}/{}", name(&f)), abs.display())
                .expect("write");
        }
        code.push_str("];\n");
        // Translations: (language, file, text), the language being the
        // sub-folder's name.
        let mut languages: Vec<_> = std::fs::read_dir(&dir)
            .expect("data folder exists")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        languages.sort();
        writeln!(code, "pub const {upper}_TRANSLATED: &[(&str, &str, &str)] = &[").expect("write to string");
        for language in languages {
            println!("cargo:rerun-if-changed={}", language.display());
            for f in json_files(&language) {
                let abs = std::fs::canonicalize(&f).expect("file exists");
                let file = format!("{folder}/{}/{}", name(&language), name(&f));
                writeln!(code, "    ({:?}, {file:?}, include_str!({:?})),", name(&language), abs.display())
                    .expect("write");
            }
        }
        code.push_str("];\n");
    }
    std::fs::write(Path::new(&out).join("embedded_data.rs"), code).expect("write embedded_data.rs");
}
