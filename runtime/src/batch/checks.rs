//! Bound checks that `#[batch_load]` places at the user's types, so that a
//! wrong type is reported there, in words about batch loading.

use std::hash::Hash;

/// A type a batch loader can key by.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a batch key: a key must implement `Hash`, `Eq` and `Clone`, and be `Send + Sync + 'static`",
    label = "the key type of this batch function",
    note = "derive what is missing: `#[derive(Hash, PartialEq, Eq, Clone)]`"
)]
pub trait BatchKey: Hash + Eq + Clone + Send + Sync + 'static {}

impl<T: Hash + Eq + Clone + Send + Sync + 'static> BatchKey for T {}

/// A type a batch loader can hand to every caller of a key.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a batch value: a value is cloned to every caller of its key, so it must implement `Clone` and be `Send + Sync + 'static`",
    label = "the value type of this batch function",
    note = "derive `Clone`, or return `Arc<{Self}>`"
)]
pub trait BatchValue: Clone + Send + Sync + 'static {}

impl<T: Clone + Send + Sync + 'static> BatchValue for T {}

/// An error a batch loader can share between the keys of a failed batch.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a batch error: it is shared by every key of the failed batch, so it must be `Send + Sync + 'static`",
    label = "the error type of this batch function"
)]
pub trait BatchError: Send + Sync + 'static {}

impl<T: Send + Sync + 'static> BatchError for T {}

/// Fails to compile unless `K` can be a batch key.
pub const fn assert_batch_key<K: BatchKey>() {}

/// Fails to compile unless `V` can be a batch value.
pub const fn assert_batch_value<V: BatchValue>() {}

/// Fails to compile unless `E` can be a batch error.
pub const fn assert_batch_error<E: BatchError>() {}
