//! `CacheKey` for the std types people pass to cached functions.

use super::{CacheKey, KeySink};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

macro_rules! unsigned {
    ($($ty:ty)*) => {$(
        impl CacheKey for $ty {
            #[inline]
            fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
                sink.put_u64(*self as u64);
            }

            #[inline]
            fn key_eq(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}

macro_rules! signed {
    ($($ty:ty)*) => {$(
        impl CacheKey for $ty {
            #[inline]
            fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
                sink.put_i64(*self as i64);
            }

            #[inline]
            fn key_eq(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}

unsigned!(u8 u16 u32 u64 usize);
signed!(i8 i16 i32 i64 isize);

impl CacheKey for u128 {
    #[inline]
    #[allow(clippy::cast_possible_truncation)]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(*self as u64);
        sink.put_u64((*self >> 64) as u64);
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}

impl CacheKey for i128 {
    #[inline]
    #[allow(clippy::cast_sign_loss)]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        (*self as u128).write_key(sink);
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}

impl CacheKey for bool {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(u64::from(*self));
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}

impl CacheKey for char {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(u64::from(*self));
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}

/// Floats are keyed by bit pattern: `0.0` and `-0.0` are different keys. A `NaN`
/// argument is never a cache hit in `#[cached]`, since `NaN != NaN`.
impl CacheKey for f64 {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(self.to_bits());
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.to_bits() == other.to_bits()
    }
}

/// Keyed by bit pattern, like `f64`.
impl CacheKey for f32 {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(u64::from(self.to_bits()));
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.to_bits() == other.to_bits()
    }
}

impl CacheKey for () {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, _: &mut S) {}

    #[inline]
    fn key_eq(&self, (): &Self) -> bool {
        true
    }
}

impl CacheKey for str {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_bytes(self.as_bytes());
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}

impl CacheKey for String {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_bytes(self.as_bytes());
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}

impl<T: CacheKey> CacheKey for [T] {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_len(self.len());
        for item in self {
            item.write_key(sink);
        }
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.key_eq(b))
    }
}

impl<T: CacheKey> CacheKey for Vec<T> {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        self.as_slice().write_key(sink);
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.as_slice().key_eq(other.as_slice())
    }
}

impl<T: CacheKey> CacheKey for VecDeque<T> {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_len(self.len());
        for item in self {
            item.write_key(sink);
        }
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.key_eq(b))
    }
}

/// The length is part of the type, so it is not written.
impl<T: CacheKey, const N: usize> CacheKey for [T; N] {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        for item in self {
            item.write_key(sink);
        }
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.iter().zip(other).all(|(a, b)| a.key_eq(b))
    }
}

impl<T: CacheKey> CacheKey for Option<T> {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        match self {
            None => sink.put_u64(0),
            Some(value) => {
                sink.put_u64(1);
                value.write_key(sink);
            }
        }
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        match (self, other) {
            (None, None) => true,
            (Some(a), Some(b)) => a.key_eq(b),
            _ => false,
        }
    }
}

impl<K: CacheKey, V: CacheKey> CacheKey for BTreeMap<K, V> {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_len(self.len());
        for (key, value) in self {
            key.write_key(sink);
            value.write_key(sink);
        }
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .zip(other)
                .all(|((k1, v1), (k2, v2))| k1.key_eq(k2) && v1.key_eq(v2))
    }
}

impl<T: CacheKey> CacheKey for BTreeSet<T> {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_len(self.len());
        for item in self {
            item.write_key(sink);
        }
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.key_eq(b))
    }
}

impl CacheKey for Duration {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(self.as_secs());
        sink.put_u64(u64::from(self.subsec_nanos()));
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}

macro_rules! delegate {
    ($($ty:ty),*) => {$(
        impl<T: CacheKey + ?Sized> CacheKey for $ty {
            #[inline]
            fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
                (**self).write_key(sink);
            }

            #[inline]
            fn key_eq(&self, other: &Self) -> bool {
                (**self).key_eq(&**other)
            }
        }
    )*};
}

delegate!(&T, &mut T, Box<T>, Rc<T>, Arc<T>);

impl<T: CacheKey + ToOwned + ?Sized> CacheKey for Cow<'_, T> {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        (**self).write_key(sink);
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        (**self).key_eq(&**other)
    }
}

macro_rules! tuples {
    ($(($($name:ident $index:tt)+))*) => {$(
        impl<$($name: CacheKey),+> CacheKey for ($($name,)+) {
            #[inline]
            fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
                $(self.$index.write_key(sink);)+
            }

            #[inline]
            fn key_eq(&self, other: &Self) -> bool {
                $(self.$index.key_eq(&other.$index))&&+
            }
        }
    )*};
}

tuples! {
    (A 0)
    (A 0 B 1)
    (A 0 B 1 C 2)
    (A 0 B 1 C 2 D 3)
    (A 0 B 1 C 2 D 3 E 4)
    (A 0 B 1 C 2 D 3 E 4 F 5)
    (A 0 B 1 C 2 D 3 E 4 F 5 G 6)
    (A 0 B 1 C 2 D 3 E 4 F 5 G 6 H 7)
    (A 0 B 1 C 2 D 3 E 4 F 5 G 6 H 7 I 8)
    (A 0 B 1 C 2 D 3 E 4 F 5 G 6 H 7 I 8 J 9)
    (A 0 B 1 C 2 D 3 E 4 F 5 G 6 H 7 I 8 J 9 K 10)
    (A 0 B 1 C 2 D 3 E 4 F 5 G 6 H 7 I 8 J 9 K 10 L 11)
}

/// Written as its 128-bit value, like a `u128`.
#[cfg(feature = "uuid")]
impl CacheKey for uuid::Uuid {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        self.as_u128().write_key(sink);
    }

    #[inline]
    fn key_eq(&self, other: &Self) -> bool {
        self == other
    }
}
