//! How many bytes a cached key and value hold, for caches bounded in bytes
//! (`#[cached(max_bytes = …)]`) rather than in entries.
//!
//! An entry bound counts a 16-byte key and a 16 KiB key alike: 10 000 entries of
//! 16 KiB keys kept 161 MiB. A byte bound weighs each entry when it is stored:
//! its key's and value's inline size, what they own on the heap, and a fixed
//! allowance for the bookkeeping of moka and of the hit tables.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::ffi::{CString, OsString};
use std::mem::size_of;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// A value that can say how many bytes it holds: what `#[cached(max_bytes = …)]`
/// counts for each key and value.
///
/// Implemented for the primitives, strings, boxes, `Arc`s, `Vec`s and the other
/// std collections, `Option`, `Result`, tuples and arrays. For a type of your own,
/// add up what its fields own on the heap:
///
/// ```
/// use unokit::cache::Weigh;
///
/// struct Page {
///     title: String,
///     lines: Vec<String>,
///     views: u64,
/// }
///
/// impl Weigh for Page {
///     fn heap_bytes(&self) -> usize {
///         self.title.heap_bytes() + self.lines.heap_bytes()
///     }
/// }
///
/// let page = Page { title: "home".into(), lines: vec!["hi".into()], views: 0 };
/// assert!(page.weight() >= std::mem::size_of::<Page>() + 4 + 2);
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[cached(max_bytes = …)]` cannot weigh `{Self}`: it does not implement `unokit::cache::Weigh`",
    label = "stored by a cache bounded in bytes",
    note = "implement `unokit::cache::Weigh` for it (`fn heap_bytes(&self) -> usize`: the bytes its fields own on the heap), or bound the cache in entries with `capacity = …`"
)]
pub trait Weigh {
    /// The bytes this value owns on the heap, beyond its own
    /// [`size_of`](std::mem::size_of): a `String`'s buffer, a `Vec`'s elements
    /// and what they own in turn. Count capacity rather than length where the
    /// two differ: the allocation is what memory holds.
    fn heap_bytes(&self) -> usize;

    /// The whole value: its inline size plus [`heap_bytes`](Self::heap_bytes).
    fn weight(&self) -> usize
    where
        Self: Sized,
    {
        size_of::<Self>() + self.heap_bytes()
    }
}

/// Bytes counted for each entry on top of its key and value: moka's node, its
/// hash map's bucket and its policy's queues, the `Arc` holding the entry, the
/// entry's bookkeeping and its slot in the table that hits read. Measured with
/// `examples/cached_bytes.rs`: about 450 resident bytes per entry of 16-byte keys
/// (a first guess of 256 let such a cache grow to 1.64 times its bound).
pub(crate) const ENTRY_OVERHEAD: usize = 448;

/// Weighs one entry's key and value, in bytes.
pub(crate) type Weigher<K, V> = fn(&K, &V) -> u32;

/// The weight of one entry as moka counts it, saturating at moka's `u32`.
pub(crate) fn weigh_entry<K: Weigh, V: Weigh>(key: &K, value: &V) -> u32 {
    let bytes = ENTRY_OVERHEAD + key.weight() + value.weight();
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

/// What an entry weighs when its types cannot say: their inline size only.
pub(crate) fn weigh_shallow<K, V>(_: &K, _: &V) -> u32 {
    u32::try_from(ENTRY_OVERHEAD + size_of::<K>() + size_of::<V>()).unwrap_or(u32::MAX)
}

/// Types that own nothing on the heap.
macro_rules! inline_only {
    ($($ty:ty),* $(,)?) => {
        $(impl Weigh for $ty {
            #[inline]
            fn heap_bytes(&self) -> usize {
                0
            }
        })*
    };
}

inline_only!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    &'static str,
    Duration,
    Instant,
    SystemTime,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
    std::net::SocketAddr,
);

impl Weigh for String {
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
}

impl Weigh for Box<str> {
    fn heap_bytes(&self) -> usize {
        self.len()
    }
}

impl Weigh for Arc<str> {
    /// The whole string, with the `Arc`'s counts: a value shared with others is
    /// counted as if it were this entry's alone, so the bound errs on the safe side.
    fn heap_bytes(&self) -> usize {
        2 * size_of::<usize>() + self.len()
    }
}

impl Weigh for PathBuf {
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
}

impl Weigh for OsString {
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
}

impl Weigh for CString {
    fn heap_bytes(&self) -> usize {
        self.as_bytes_with_nul().len()
    }
}

impl Weigh for Cow<'static, str> {
    fn heap_bytes(&self) -> usize {
        match self {
            Cow::Borrowed(_) => 0,
            Cow::Owned(owned) => owned.heap_bytes(),
        }
    }
}

impl<T: Weigh> Weigh for Box<T> {
    fn heap_bytes(&self) -> usize {
        (**self).weight()
    }
}

impl<T: Weigh> Weigh for Box<[T]> {
    fn heap_bytes(&self) -> usize {
        self.iter().map(Weigh::weight).sum()
    }
}

impl<T: Weigh> Weigh for Arc<T> {
    /// The whole value, with the `Arc`'s counts (see `Arc<str>`).
    fn heap_bytes(&self) -> usize {
        2 * size_of::<usize>() + (**self).weight()
    }
}

impl<T: Weigh> Weigh for Arc<[T]> {
    fn heap_bytes(&self) -> usize {
        2 * size_of::<usize>() + self.iter().map(Weigh::weight).sum::<usize>()
    }
}

/// The spare capacity is counted at the element's inline size.
fn sequence<'a, T: Weigh + 'a>(capacity: usize, items: impl Iterator<Item = &'a T>) -> usize {
    capacity * size_of::<T>() + items.map(Weigh::heap_bytes).sum::<usize>()
}

impl<T: Weigh> Weigh for Vec<T> {
    fn heap_bytes(&self) -> usize {
        sequence(self.capacity(), self.iter())
    }
}

impl<T: Weigh> Weigh for VecDeque<T> {
    fn heap_bytes(&self) -> usize {
        sequence(self.capacity(), self.iter())
    }
}

impl<T: Weigh, S> Weigh for HashSet<T, S> {
    /// One control byte per bucket beside the element.
    fn heap_bytes(&self) -> usize {
        self.capacity() * (size_of::<T>() + 1) + self.iter().map(Weigh::heap_bytes).sum::<usize>()
    }
}

impl<K: Weigh, V: Weigh, S> Weigh for HashMap<K, V, S> {
    /// One control byte per bucket beside the pair.
    fn heap_bytes(&self) -> usize {
        self.capacity() * (size_of::<(K, V)>() + 1)
            + self
                .iter()
                .map(|(key, value)| key.heap_bytes() + value.heap_bytes())
                .sum::<usize>()
    }
}

impl<T: Weigh> Weigh for BTreeSet<T> {
    /// Nodes are at least half full: twice the elements bounds them.
    fn heap_bytes(&self) -> usize {
        self.iter()
            .map(|item| 2 * size_of::<T>() + item.heap_bytes())
            .sum()
    }
}

impl<K: Weigh, V: Weigh> Weigh for BTreeMap<K, V> {
    /// Nodes are at least half full: twice the pairs bounds them.
    fn heap_bytes(&self) -> usize {
        self.iter()
            .map(|(key, value)| 2 * size_of::<(K, V)>() + key.heap_bytes() + value.heap_bytes())
            .sum()
    }
}

impl<T: Weigh> Weigh for Option<T> {
    fn heap_bytes(&self) -> usize {
        self.as_ref().map_or(0, Weigh::heap_bytes)
    }
}

impl<T: Weigh, E: Weigh> Weigh for Result<T, E> {
    fn heap_bytes(&self) -> usize {
        match self {
            Ok(value) => value.heap_bytes(),
            Err(error) => error.heap_bytes(),
        }
    }
}

impl<T: Weigh, const N: usize> Weigh for [T; N] {
    fn heap_bytes(&self) -> usize {
        self.iter().map(Weigh::heap_bytes).sum()
    }
}

macro_rules! tuples {
    ($(($($name:ident . $index:tt),+))*) => {
        $(impl<$($name: Weigh),+> Weigh for ($($name,)+) {
            fn heap_bytes(&self) -> usize {
                0 $(+ self.$index.heap_bytes())+
            }
        })*
    };
}

tuples! {
    (A.0)
    (A.0, B.1)
    (A.0, B.1, C.2)
    (A.0, B.1, C.2, D.3)
    (A.0, B.1, C.2, D.3, E.4)
    (A.0, B.1, C.2, D.3, E.4, F.5)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6)
    (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7)
}

#[cfg(test)]
mod tests {
    use super::{ENTRY_OVERHEAD, Weigh, weigh_entry};
    use std::mem::size_of;

    #[test]
    fn strings_and_vectors_count_their_buffers() {
        let key = "k".repeat(16 * 1024);
        assert_eq!(key.weight(), size_of::<String>() + key.capacity());
        assert!(key.weight() >= 16 * 1024);
        let lines = vec![String::from("ab"), String::with_capacity(10)];
        assert_eq!(
            lines.heap_bytes(),
            lines.capacity() * size_of::<String>() + lines[0].capacity() + 10
        );
        assert_eq!(7_u64.weight(), 8);
        assert_eq!(Some(String::with_capacity(5)).heap_bytes(), 5);
        assert_eq!((String::with_capacity(3), 1_u8).heap_bytes(), 3);
    }

    #[test]
    fn an_entry_weighs_its_key_its_value_and_the_bookkeeping() {
        let key = (String::with_capacity(1000), 3_u32);
        let value = vec![0_u8; 500];
        let weight = weigh_entry(&key, &value) as usize;
        assert_eq!(weight, ENTRY_OVERHEAD + key.weight() + value.weight());
        assert!(weight >= 1500 + ENTRY_OVERHEAD);
        let huge = vec![0_u8; 1];
        assert_eq!(weigh_entry(&huge, &()), (ENTRY_OVERHEAD + 25) as u32);
    }
}
