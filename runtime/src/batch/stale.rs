//! `stale_if_error` for a loader on moka: what a failed batch gives its keys.

use super::fetch::BatchFn;
use super::state::{LoaderState, Store};

impl<F: BatchFn> LoaderState<F> {
    /// After a batch failed: by position, the stale value each key serves
    /// instead of the error; empty when none has one.
    pub(crate) fn rescue(&self, keys: &[F::Key]) -> Vec<Option<F::Value>> {
        let Store::Moka(cache) = &self.store else {
            return Vec::new();
        };
        if !cache.serves_stale() {
            return Vec::new();
        }
        let stale: Vec<Option<F::Value>> = keys.iter().map(|key| cache.rescue(key)).collect();
        if stale.iter().all(Option::is_none) {
            return Vec::new();
        }
        stale
    }
}
