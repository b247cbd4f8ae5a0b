//! `refresh_ahead` for a loader on moka: a hit past the refresh point answers
//! from the cache and puts its key in a batch, which stores the new value.

use super::fetch::BatchFn;
use super::state::{Entry, LoaderState, Locked, Lookup};
use std::sync::Arc;

impl<F: BatchFn> LoaderState<F> {
    /// A cache hit; with `refresh` (claimed by this hit alone), the key also
    /// joins a batch that nobody waits on, unless one already fetches it.
    #[inline]
    pub(crate) fn hit(
        &self,
        state: &mut Locked<F>,
        key: F::Key,
        value: F::Value,
        refresh: bool,
    ) -> Lookup<F> {
        if !refresh {
            return Lookup::Ready(Ok(Some(value)));
        }
        let Locked {
            entries,
            open,
            stats,
        } = state;
        if entries.contains_key(&key) {
            return Lookup::Ready(Ok(Some(value)));
        }
        let (ticket, dispatch) = self.push(open, stats, key.clone(), None);
        entries.insert(
            key,
            Entry::Batched {
                batch: Arc::clone(&ticket.batch),
                index: ticket.index,
            },
        );
        Lookup::Refreshing(value, dispatch)
    }
}
