//! `CacheKey` for the std types people pass to cached functions.

use super::{CacheKey, KeySink};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Types whose `==` already means "writes the same parts": only how they write differs.
macro_rules! equal_by_eq {
    ($($ty:ty => |$value:ident, $sink:ident| $write:expr;)*) => {$(
        impl CacheKey for $ty {
            #[inline]
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]
            fn write_key<S: KeySink + ?Sized>(&self, $sink: &mut S) {
                let $value = self;
                $write;
            }

            #[inline]
            fn key_eq(&self, other: &Self) -> bool {
                self == other
            }
        }
    )*};
}

equal_by_eq! {
    u8 => |n, sink| sink.put_u64(*n as u64);
    u16 => |n, sink| sink.put_u64(*n as u64);
    u32 => |n, sink| sink.put_u64(*n as u64);
    u64 => |n, sink| sink.put_u64(*n);
    usize => |n, sink| sink.put_u64(*n as u64);
    i8 => |n, sink| sink.put_i64(*n as i64);
    i16 => |n, sink| sink.put_i64(*n as i64);
    i32 => |n, sink| sink.put_i64(*n as i64);
    i64 => |n, sink| sink.put_i64(*n);
    isize => |n, sink| sink.put_i64(*n as i64);
    u128 => |n, sink| {
        sink.put_u64(*n as u64);
        sink.put_u64((*n >> 64) as u64);
    };
    i128 => |n, sink| (*n as u128).write_key(sink);
    bool => |b, sink| sink.put_u64(u64::from(*b));
    char => |c, sink| sink.put_u64(u64::from(*c));
    str => |text, sink| sink.put_bytes(text.as_bytes());
    String => |text, sink| sink.put_bytes(text.as_bytes());
    Duration => |duration, sink| {
        sink.put_u64(duration.as_secs());
        sink.put_u64(u64::from(duration.subsec_nanos()));
    };
}

/// Floats are keyed by bit pattern: `0.0` and `-0.0` are different keys, and a
/// `NaN` is the same key as an identical `NaN`.
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

/// A sequence: its length, then its items.
#[inline]
fn write_sequence<'a, T: CacheKey + 'a, S: KeySink + ?Sized>(
    sink: &mut S,
    len: usize,
    items: impl IntoIterator<Item = &'a T>,
) {
    sink.put_len(len);
    for item in items {
        item.write_key(sink);
    }
}

#[inline]
fn same_sequence<'a, T: CacheKey + 'a>(
    (len, items): (usize, impl IntoIterator<Item = &'a T>),
    (other_len, other_items): (usize, impl IntoIterator<Item = &'a T>),
) -> bool {
    len == other_len && items.into_iter().zip(other_items).all(|(a, b)| a.key_eq(b))
}

macro_rules! sequence {
    ($($ty:ty),*) => {$(
        impl<T: CacheKey> CacheKey for $ty {
            #[inline]
            fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
                write_sequence(sink, self.len(), self);
            }

            #[inline]
            fn key_eq(&self, other: &Self) -> bool {
                same_sequence((self.len(), self), (other.len(), other))
            }
        }
    )*};
}

sequence!([T], Vec<T>, VecDeque<T>, BTreeSet<T>);

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
        same_sequence((N, self), (N, other))
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
