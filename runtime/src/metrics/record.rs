//! What is recorded as it happens: the figures no counter of the runtime holds.
//!
//! Nothing is recorded until an exporter starts recording ([`start`]): before,
//! each site costs one relaxed load. After, the handles are fetched from the
//! recorder once and kept, so that a recording is the handle's own atomic
//! operation, not a lookup of its name and labels.

use metrics::{Counter, Histogram};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

static ON: AtomicBool = AtomicBool::new(false);

/// Whether an exporter records: sites skip their work (a clock read) when not.
#[inline]
pub(crate) fn on() -> bool {
    ON.load(Relaxed)
}

/// Starts recording: the process's recorder is installed, so handles fetched
/// from now on are its own and may be kept.
pub(super) fn start() {
    ON.store(true, Relaxed);
}

/// The handles of the series without a per-site label.
struct Handles {
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    statements: Histogram,
    pool_wait: Histogram,
    scopes: Counter,
    services: Counter,
}

fn handles() -> &'static Handles {
    static HANDLES: OnceLock<Handles> = OnceLock::new();
    HANDLES.get_or_init(|| Handles {
        statements: metrics::histogram!("unokit_db_statements"),
        pool_wait: metrics::histogram!("unokit_pool_wait_seconds"),
        scopes: metrics::counter!("unokit_di_scopes_total"),
        services: metrics::counter!("unokit_di_services_built_total"),
    })
}

/// A loader's handles, labelled with its batch function's type.
struct LoaderHandles {
    keys: Histogram,
    seconds: Histogram,
}

/// A call of batch function `loader` with `keys` keys that took `took`.
pub(crate) fn batch(loader: &'static str, keys: usize, took: Duration) {
    if !on() {
        return;
    }
    // Loaders are made per request, so the handles are kept per batch
    // function type, for the process: one read lock per batch, not a
    // registration. Keyed by where the type's name is stored, not by its text,
    // which would be hashed whole each time: a name stored twice (two codegen
    // units) gets two entries holding the same series.
    type Loaders = HashMap<(usize, usize), Arc<LoaderHandles>, foldhash::fast::FixedState>;
    static LOADERS: OnceLock<RwLock<Loaders>> = OnceLock::new();
    let loaders = LOADERS.get_or_init(RwLock::default);
    let at = (loader.as_ptr() as usize, loader.len());
    let known = loaders
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&at)
        .cloned();
    let handles = known.unwrap_or_else(|| {
        let mut loaders = loaders.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(loaders.entry(at).or_insert_with(|| {
            Arc::new(LoaderHandles {
                keys: metrics::histogram!("unokit_batch_keys", "loader" => short_type_name(loader)),
                seconds: metrics::histogram!("unokit_batch_seconds", "loader" => short_type_name(loader)),
            })
        }))
    });
    #[allow(clippy::cast_precision_loss)]
    handles.keys.record(keys as f64);
    handles.seconds.record(took.as_secs_f64());
}

/// `crate::module::Type<crate::Arg>` without its module paths: `Type<Arg>`,
/// what a person reads on a dashboard.
fn short_type_name(name: &str) -> String {
    let mut short = String::with_capacity(name.len());
    let mut segment_start = 0;
    for (at, character) in name.char_indices() {
        match character {
            ':' => segment_start = at + 1,
            '<' | '>' | ',' | ' ' | '(' | ')' | '[' | ']' | '&' | ';' => {
                short.push_str(&name[segment_start..at]);
                short.push(character);
                segment_start = at + character.len_utf8();
            }
            _ => {}
        }
    }
    short.push_str(&name[segment_start..]);
    short
}

/// A request scope that ran `count` statements ended.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn statements(count: u64) {
    if on() {
        #[allow(clippy::cast_precision_loss)]
        handles().statements.record(count as f64);
    }
}

/// A checkout waited `waited` for room in a full pool.
pub(crate) fn pool_wait(waited: Duration) {
    if on() {
        handles().pool_wait.record(waited.as_secs_f64());
    }
}

/// A DI scope was opened.
#[inline]
pub(crate) fn scope_opened() {
    if on() {
        handles().scopes.increment(1);
    }
}

/// A DI service (singleton or scoped) was built.
#[inline]
pub(crate) fn service_built() {
    if on() {
        handles().services.increment(1);
    }
}

/// The recording sites, for the benchmark of their cost. Not public API.
#[doc(hidden)]
pub mod bench {
    /// What opening a DI scope records: a counter increment through a kept handle.
    pub fn count_scope() {
        super::scope_opened();
    }

    /// What a pool wait records: a histogram sample through a kept handle.
    pub fn record_pool_wait(waited: std::time::Duration) {
        super::pool_wait(waited);
    }

    /// What a batch records: two histogram samples, the handles found by type name.
    pub fn record_batch(keys: usize, took: std::time::Duration) {
        super::batch("bench::Loader", keys, took);
    }
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn type_names_lose_their_paths() {
        assert_eq!(short_type_name("app::loaders::Authors"), "Authors");
        assert_eq!(
            short_type_name("unokit::db::Rel<app::Post, alloc::vec::Vec<u64>>"),
            "Rel<Post, Vec<u64>>"
        );
        assert_eq!(short_type_name("(u8, &str)"), "(u8, &str)");
    }
}
