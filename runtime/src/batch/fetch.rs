//! What a batch loader calls: the "load many by keys" function.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::hash::{BuildHasher, Hash};

/// A "load many by keys" function: the batch function behind a
/// [`BatchLoader`](super::BatchLoader).
///
/// `#[batch_load]` implements it for a struct holding the function's `#[ctx]`
/// arguments; implement it by hand to batch anything else.
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use unokit::batch::BatchFn;
///
/// /// Squares, fetched many at a time.
/// struct Squares;
///
/// impl BatchFn for Squares {
///     type Key = u64;
///     type Value = u64;
///     type Error = Infallible;
///     type Map = HashMap<u64, u64>;
///
///     async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, u64>, Infallible> {
///         Ok(keys.iter().map(|&key| (key, key * key)).collect())
///     }
/// }
/// ```
pub trait BatchFn: Send + Sync + 'static {
    /// What one value is looked up by.
    type Key: Hash + Eq + Clone + Send + Sync + 'static;
    /// What is loaded for one key; cloned to every caller of that key.
    type Value: Clone + Send + Sync + 'static;
    /// The error of a failed batch, shared by every key of the batch as an `Arc`.
    type Error: Send + Sync + 'static;
    /// What the function returns: a map from key to value. A key missing from it
    /// loads as `None`.
    type Map: BatchMap<Self::Key, Self::Value> + Send;

    /// Loads the values of `keys`, which are distinct and at most the loader's
    /// `max_batch` many.
    fn load(
        &self,
        keys: &[Self::Key],
    ) -> impl Future<Output = Result<Self::Map, Self::Error>> + Send;
}

/// The map a [`BatchFn`] returns, from which the loader gives each key its value.
///
/// ```
/// use std::collections::HashMap;
/// use unokit::batch::BatchMap;
///
/// let map = HashMap::from([(1, "one")]);
/// assert_eq!(BatchMap::get(&map, &1), Some(&"one"));
/// assert_eq!(map.into_pairs().collect::<Vec<_>>(), [(1, "one")]);
/// ```
#[diagnostic::on_unimplemented(
    message = "a batch function must return a map keyed by its key type `{K}`, with values `{V}`; `{Self}` is not one",
    label = "the map this batch function returns",
    note = "return `HashMap<{K}, {V}>` or `BTreeMap<{K}, {V}>`, keyed like the keys slice"
)]
pub trait BatchMap<K, V> {
    /// The value of `key`.
    fn get(&self, key: &K) -> Option<&V>;

    /// Every key and value, in any order.
    fn into_pairs(self) -> impl Iterator<Item = (K, V)>;
}

impl<K: Hash + Eq, V, S: BuildHasher> BatchMap<K, V> for HashMap<K, V, S> {
    #[inline]
    fn get(&self, key: &K) -> Option<&V> {
        HashMap::get(self, key)
    }

    fn into_pairs(self) -> impl Iterator<Item = (K, V)> {
        self.into_iter()
    }
}

impl<K: Ord, V> BatchMap<K, V> for BTreeMap<K, V> {
    #[inline]
    fn get(&self, key: &K) -> Option<&V> {
        BTreeMap::get(self, key)
    }

    fn into_pairs(self) -> impl Iterator<Item = (K, V)> {
        self.into_iter()
    }
}
