//! A factory function that builds a type of another crate (`sqlx::SqlitePool`)
//! cannot make it a service: `#[injectable]` implements the runtime's traits
//! for the type it returns, and the orphan rule allows that only for a type of
//! the user's crate (rustc's E0117/E0210, which say nothing of the fix).
//!
//! A macro sees tokens, not where a name was defined, so this recognises only
//! the types it can tell are foreign from the tokens: a path that starts with
//! `::`, with `std`, `core` or `alloc`, or with the name of a dependency in the
//! crate's `Cargo.toml` that is not also the name of one of its module files,
//! a primitive, or a standard prelude type. A foreign
//! type imported by `use` and written bare still gets rustc's errors; the docs
//! of `#[injectable]` give the fix beside them.

use syn::{Path, Type};

/// Bare names that are certainly not the user's: primitives, and the standard
/// prelude's types a factory might return.
const STD_NAMES: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f32", "f64", "String", "Vec", "Box", "Option",
];

/// The crate `ty` comes from, when it is not the user's, and whether that is
/// a guess from the manifest (a local module may shadow a dependency).
pub(crate) fn foreign_crate(ty: &Type) -> Option<(String, bool)> {
    let Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let path: &Path = &path.path;
    let first = path.segments.first()?.ident.to_string();
    if path.leading_colon.is_some() || ["std", "core", "alloc"].contains(&first.as_str()) {
        Some((first, false))
    } else if path.segments.len() == 1 {
        STD_NAMES
            .contains(&first.as_str())
            .then(|| ("std".to_owned(), false))
    } else if is_dependency(&first) && !is_module_file(&first) {
        Some((first, true))
    } else {
        None
    }
}

/// Whether `name` is a dependency of the crate being compiled, by its
/// `Cargo.toml`'s dependency tables (a rough reading, enough for names).
fn is_dependency(name: &str) -> bool {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return false;
    };
    let Ok(manifest) = std::fs::read_to_string(std::path::Path::new(&dir).join("Cargo.toml"))
    else {
        return false;
    };
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if let Some(table) = line.strip_prefix('[') {
            let table = table.trim_end_matches(']').trim();
            // `[dependencies.sqlx]`, `[target.'cfg(unix)'.dev-dependencies.sqlx]`
            if let Some((tables, key)) = table.rsplit_once('.')
                && tables.ends_with("dependencies")
                && normalise(key) == name
            {
                return true;
            }
            in_dependencies = table.ends_with("dependencies");
        } else if in_dependencies
            && let Some(key) = line.split(['=', '.']).next()
            && normalise(key) == name
        {
            return true;
        }
    }
    false
}

/// Whether the crate has a module file named `name` (`src/config.rs`,
/// `src/app/config/mod.rs`): then `config::Settings` is most likely its own,
/// even with a `config` dependency, since a local name shadows a crate's.
fn is_module_file(name: &str) -> bool {
    fn walk(dir: &std::path::Path, name: &str, depth: usize) -> bool {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return false;
        };
        entries.flatten().any(|entry| {
            let path = entry.path();
            let stem = path.file_stem().and_then(|stem| stem.to_str());
            if path.is_dir() {
                stem == Some(name) || (depth < 8 && walk(&path, name, depth + 1))
            } else {
                stem == Some(name) && path.extension().is_some_and(|ext| ext == "rs")
            }
        })
    }
    std::env::var_os("CARGO_MANIFEST_DIR")
        .is_some_and(|dir| walk(&std::path::Path::new(&dir).join("src"), name, 0))
}

fn normalise(key: &str) -> String {
    key.trim().trim_matches('"').replace('-', "_")
}
