//! Keeping cached relations fresh when the application writes through a
//! session: each loader and shared cache of a relation registers, under the
//! related table's name, what a written row makes stale.

use super::relation::{Relation, RelationKind};
use crate::batch::{BatchFn, BatchLoader, SharedCache};
use std::any::Any;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

/// Which write happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Write {
    Insert,
    Update,
    Delete,
}

/// Forgets what a written row made stale.
pub(crate) type Invalidator = Arc<dyn Fn(&dyn Any, Write) + Send + Sync>;

/// Invalidators by table name.
#[derive(Default)]
pub(crate) struct Registry {
    by_table: Mutex<HashMap<&'static str, Vec<Invalidator>>>,
}

impl Registry {
    pub(crate) fn register(&self, table: &'static str, invalidator: Invalidator) {
        self.by_table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(table)
            .or_default()
            .push(invalidator);
    }

    /// Runs the invalidators of `table` for `row`, outside the lock: they take
    /// the loaders' own locks.
    pub(crate) fn written(&self, table: &str, row: &dyn Any, write: Write) {
        let invalidators = self
            .by_table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(table)
            .cloned()
            .unwrap_or_default();
        for invalidator in invalidators {
            invalidator(row, write);
        }
    }

    pub(crate) fn clear_all(&self) {
        let invalidators: Vec<Invalidator> = self
            .by_table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .flatten()
            .cloned()
            .collect();
        for invalidator in invalidators {
            // A row of no model's type: every entry goes.
            invalidator(&(), Write::Update);
        }
    }
}

/// What can forget keys: a loader, a shared cache.
pub(crate) trait Forget<K>: Send + Sync + 'static {
    fn forget(&self, key: &K);
    fn forget_all(&self);
}

impl<F: BatchFn> Forget<F::Key> for BatchLoader<F> {
    fn forget(&self, key: &F::Key) {
        self.clear(key);
    }

    fn forget_all(&self) {
        self.clear_all();
    }
}

impl<K, V> Forget<K> for SharedCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn forget(&self, key: &K) {
        self.invalidate(key);
    }

    fn forget_all(&self) {
        self.invalidate_all();
    }
}

/// What a write to `R`'s related table makes stale in `target`.
///
/// A row's own key is exact for `belongs_to` (the row is the target) and for an
/// inserted or deleted `has_many` row (its foreign key names the parent). An
/// updated `has_many` row may have moved from a parent whose key is not known
/// any more, and any write to a `many_to_many` target may concern many parents:
/// those forget the whole relation. So does a row of another model of the same
/// table (a partial model), whose key fields may be missing.
pub(crate) fn for_relation<R: Relation>(target: impl Forget<R::Key>) -> Invalidator {
    Arc::new(move |row: &dyn Any, write: Write| {
        let key = row.downcast_ref::<R::Child>().and_then(R::child_key);
        match (R::KIND, write, key) {
            (RelationKind::HasMany { .. }, Write::Update, _)
            | (RelationKind::ManyToMany { .. }, _, _)
            | (_, _, None) => {
                target.forget_all();
            }
            (_, _, Some(key)) => target.forget(&key),
        }
    })
}

/// What a write to model `M`'s table makes stale in its loader by key.
pub(crate) fn for_model<M: super::model::Model>(target: impl Forget<M::Key>) -> Invalidator {
    Arc::new(
        move |row: &dyn Any, _write: Write| match row.downcast_ref::<M>() {
            Some(row) => target.forget(&row.key()),
            None => target.forget_all(),
        },
    )
}
