/// What a [`BatchLoader`](super::BatchLoader) has done so far.
///
/// ```
/// use unokit::batch::BatchStats;
///
/// let stats = BatchStats { loads: 10, cache_hits: 2, joined: 1, batches: 2, keys_fetched: 7, largest_batch: 4, ..BatchStats::default() };
/// assert_eq!(stats.keys_per_batch(), 3.5);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Keys asked for, through `load` or `load_many`.
    pub loads: u64,
    /// Loads answered from the cache (or from a primed value) without a batch.
    pub cache_hits: u64,
    /// Loads of a key already in a batch, which waited for that batch.
    pub joined: u64,
    /// Calls of the batch function.
    pub batches: u64,
    /// Keys passed to the batch function, over all its calls.
    pub keys_fetched: u64,
    /// The most keys one call of the batch function got.
    pub largest_batch: u64,
    /// With `#[batch_load(l2)]`: keys of a batch found in Redis, for which the
    /// batch function was not called.
    pub l2_hits: u64,
    /// Keys of a batch that Redis did not have.
    pub l2_misses: u64,
    /// Keys of a batch asked without Redis: no tier installed, or Redis down.
    pub l2_unavailable: u64,
    /// Values written to Redis.
    pub l2_writes: u64,
}

impl BatchStats {
    /// `keys_fetched / batches`, or `0.0` before the first batch.
    #[must_use]
    #[allow(clippy::cast_precision_loss)]
    pub fn keys_per_batch(&self) -> f64 {
        if self.batches == 0 {
            0.0
        } else {
            self.keys_fetched as f64 / self.batches as f64
        }
    }
}
