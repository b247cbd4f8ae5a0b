//! Which tables changed, as the database itself reports it: [`Changes`].
//!
//! Caches of query results must see every write, also those that bypass
//! unokit (another service, a migration, a `psql` session). So the database
//! records them: [`Changes::watch`] installs, for each watched table, triggers
//! that count its writes in a table of versions, `unokit_table_versions`, and
//! then follows that table:
//!
//! - **PostgreSQL**: a statement-level trigger bumps the table's version and
//!   sends one `NOTIFY` per statement; a listener connection receives them.
//!   `LISTEN` loses what is sent while it reconnects, so after every
//!   (re)connect the watcher reads the versions and catches up, and a poll of
//!   the versions (every second by default) catches up after a listener that
//!   died silently: no write is lost.
//! - **SQLite**: row-level triggers (SQLite has no statement-level ones) bump
//!   the version, whichever connection or process writes; a connection of the
//!   watcher's own reads the versions every poll interval (10 ms by default).
//!   Triggers have none of the update hook's blind spots (`WITHOUT ROWID`
//!   tables, the truncate optimization, `REPLACE`); they cost an extra row
//!   update per row written.
//!
//! A cache takes a [`Stamp`] of the versions of the tables a query reads
//! *before* it runs the query, stores it with the result, and serves the
//! result only while [`Stamp::is_current`]. The versions are bumped only once
//! a write is visible to new reads, so a result read before the write was
//! visible was stamped before the bump and is never served after it.

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
mod watch;

pub use watch::{Watch, WatchConfig, Watcher};

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// The tables' versions in this process, bumped when a watched table changes.
/// Clones share them.
///
/// ```
/// use unokit::db::Changes;
///
/// let changes = Changes::new();
/// let stamp = changes.stamp(&["posts", "authors"]);
/// assert!(stamp.is_current());
/// changes.changed("authors"); // what a watcher does when the database says so
/// assert!(!stamp.is_current());
/// assert!(changes.stamp(&["posts"]).is_current());
/// ```
#[derive(Clone, Default)]
pub struct Changes {
    tables: Arc<RwLock<HashMap<Box<str>, Arc<AtomicU64>>>>,
}

impl Changes {
    /// No table has changed yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The current versions of `tables`, to store beside what a query that
    /// reads them returned. Take it before the query runs.
    #[must_use]
    pub fn stamp(&self, tables: &[&str]) -> Stamp {
        Stamp {
            versions: tables
                .iter()
                .map(|table| {
                    let counter = self.counter(table);
                    let version = counter.load(Ordering::Acquire);
                    (counter, version)
                })
                .collect(),
        }
    }

    /// Records that `table` changed: every stamp that includes it is stale.
    pub fn changed(&self, table: &str) {
        self.counter(table).fetch_add(1, Ordering::AcqRel);
    }

    fn counter(&self, table: &str) -> Arc<AtomicU64> {
        if let Some(counter) = self
            .tables
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(table)
        {
            return Arc::clone(counter);
        }
        Arc::clone(
            self.tables
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(table.into())
                .or_default(),
        )
    }
}

impl fmt::Debug for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tables = self.tables.read().unwrap_or_else(PoisonError::into_inner);
        let mut map = f.debug_map();
        for (table, version) in tables.iter() {
            map.entry(table, &version.load(Ordering::Relaxed));
        }
        map.finish()
    }
}

/// The versions of some tables at one moment ([`Changes::stamp`]).
#[derive(Clone)]
pub struct Stamp {
    versions: Box<[(Arc<AtomicU64>, u64)]>,
}

impl Stamp {
    /// Whether none of the stamped tables has changed since.
    #[must_use]
    pub fn is_current(&self) -> bool {
        self.versions
            .iter()
            .all(|(counter, version)| counter.load(Ordering::Acquire) == *version)
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stamp")
            .field("current", &self.is_current())
            .finish_non_exhaustive()
    }
}
