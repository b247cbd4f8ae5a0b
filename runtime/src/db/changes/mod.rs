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
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    tables: RwLock<HashMap<Box<str>, Arc<Table>>>,
    /// Reads of the versions table started so far ([`Changes::reading`]).
    reads: AtomicU64,
}

/// One table's versions.
#[derive(Default)]
struct Table {
    /// Bumped on every change seen here: what a [`Stamp`] compares.
    local: AtomicU64,
    /// The database's own version of the table as last read, plus one; 0
    /// while no watcher has read it. Instances that watch one database agree
    /// on it: results shared between them carry it ([`Changes::database_versions`]).
    database: AtomicU64,
    /// After a write reported by [`Changes::changed`], the number of version
    /// reads started before it, plus one (0: none pending): until a read that
    /// started later confirms the database's version, the one known here may
    /// predate the write.
    pending: AtomicU64,
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
                    let table = self.table(table);
                    let version = table.local.load(Ordering::Acquire);
                    (table, version)
                })
                .collect(),
        }
    }

    /// Records that `table` changed: every stamp that includes it is stale.
    /// (A write this process made: until the watcher has read the database's
    /// versions again, results shared by other instances are not taken for
    /// the table.)
    pub fn changed(&self, table: &str) {
        let table = self.table(table);
        let reads = self.shared.reads.load(Ordering::SeqCst);
        table.pending.store(reads + 1, Ordering::SeqCst);
        table.local.fetch_add(1, Ordering::AcqRel);
    }

    /// The database says `table` is at `version` now: stamps of older
    /// versions are stale.
    pub(crate) fn changed_in_database(&self, table: &str, version: i64) {
        let table = self.table(table);
        table
            .database
            .fetch_max(database_version(version), Ordering::AcqRel);
        table.local.fetch_add(1, Ordering::AcqRel);
    }

    /// Starts a read of every table's version: pass its number to
    /// [`read`](Self::read) with what it found.
    pub(crate) fn reading(&self) -> u64 {
        self.shared.reads.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Read `reading` (from [`reading`](Self::reading)) found `versions`: they
    /// are the database's versions, and confirm the writes reported before
    /// the read started.
    pub(crate) fn read(&self, versions: &HashMap<String, i64>, reading: u64) {
        for (table, version) in versions {
            let table = self.table(table);
            table
                .database
                .fetch_max(database_version(*version), Ordering::AcqRel);
            let _ = table
                .pending
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |pending| {
                    (pending != 0 && reading >= pending).then_some(0)
                });
        }
    }

    /// The database's versions of `tables`, as the watchers last read them;
    /// `None` when a table is not watched, or was written here since the last
    /// read (its version here may predate the write). A result another
    /// instance stored with these versions is as fresh as this instance's own.
    #[must_use]
    pub fn database_versions(&self, tables: &[&str]) -> Option<Vec<u64>> {
        tables
            .iter()
            .map(|table| {
                let table = self.table(table);
                let pending = table.pending.load(Ordering::SeqCst);
                let version = table.database.load(Ordering::Acquire);
                (pending == 0 && version != 0).then_some(version)
            })
            .collect()
    }

    fn table(&self, table: &str) -> Arc<Table> {
        if let Some(found) = self
            .shared
            .tables
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(table)
        {
            return Arc::clone(found);
        }
        Arc::clone(
            self.shared
                .tables
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(table.into())
                .or_default(),
        )
    }
}

/// A version as [`Table::database`] holds it.
fn database_version(version: i64) -> u64 {
    u64::try_from(version).unwrap_or(0).saturating_add(1)
}

impl fmt::Debug for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tables = self
            .shared
            .tables
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let mut map = f.debug_map();
        for (table, versions) in tables.iter() {
            map.entry(table, &versions.local.load(Ordering::Relaxed));
        }
        map.finish()
    }
}

/// The versions of some tables at one moment ([`Changes::stamp`]).
#[derive(Clone)]
pub struct Stamp {
    versions: Box<[(Arc<Table>, u64)]>,
}

impl Stamp {
    /// Whether none of the stamped tables has changed since.
    #[must_use]
    pub fn is_current(&self) -> bool {
        self.versions
            .iter()
            .all(|(table, version)| table.local.load(Ordering::Acquire) == *version)
    }
}

impl fmt::Debug for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stamp")
            .field("current", &self.is_current())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::Changes;
    use std::collections::HashMap;

    #[test]
    fn a_local_write_hides_the_database_versions_until_a_later_read() {
        let changes = Changes::new();
        assert_eq!(changes.database_versions(&["posts"]), None, "never read");
        let versions = HashMap::from([("posts".to_owned(), 4)]);
        let before = changes.reading();
        changes.read(&versions, before);
        assert_eq!(changes.database_versions(&["posts"]), Some(vec![5]));

        let started_before_the_write = changes.reading();
        changes.changed("posts");
        assert_eq!(changes.database_versions(&["posts"]), None);
        changes.read(&versions, started_before_the_write);
        assert_eq!(
            changes.database_versions(&["posts"]),
            None,
            "may predate the write"
        );
        let after = changes.reading();
        let bumped = HashMap::from([("posts".to_owned(), 5)]);
        changes.read(&bumped, after);
        assert_eq!(changes.database_versions(&["posts"]), Some(vec![6]));

        let stamp = changes.stamp(&["posts"]);
        changes.changed_in_database("posts", 6);
        assert!(!stamp.is_current());
        assert_eq!(changes.database_versions(&["posts"]), Some(vec![7]));
    }
}
