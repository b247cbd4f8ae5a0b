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
}

impl CacheKey for i128 {
    #[inline]
    #[allow(clippy::cast_sign_loss)]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        (*self as u128).write_key(sink);
    }
}

impl CacheKey for bool {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(u64::from(*self));
    }
}

impl CacheKey for char {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(u64::from(*self));
    }
}

/// Floats are keyed by bit pattern: `0.0` and `-0.0` are different keys. A `NaN`
/// argument is never a cache hit in `#[cached]`, since `NaN != NaN`.
impl CacheKey for f64 {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(self.to_bits());
    }
}

/// Keyed by bit pattern, like `f64`.
impl CacheKey for f32 {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(u64::from(self.to_bits()));
    }
}

impl CacheKey for () {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, _: &mut S) {}
}

impl CacheKey for str {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_bytes(self.as_bytes());
    }
}

impl CacheKey for String {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_bytes(self.as_bytes());
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
}

impl<T: CacheKey> CacheKey for Vec<T> {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        self.as_slice().write_key(sink);
    }
}

impl<T: CacheKey> CacheKey for VecDeque<T> {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_len(self.len());
        for item in self {
            item.write_key(sink);
        }
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
}

impl<K: CacheKey, V: CacheKey> CacheKey for BTreeMap<K, V> {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_len(self.len());
        for (key, value) in self {
            key.write_key(sink);
            value.write_key(sink);
        }
    }
}

impl<T: CacheKey> CacheKey for BTreeSet<T> {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_len(self.len());
        for item in self {
            item.write_key(sink);
        }
    }
}

impl CacheKey for Duration {
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        sink.put_u64(self.as_secs());
        sink.put_u64(u64::from(self.subsec_nanos()));
    }
}

macro_rules! delegate {
    ($($ty:ty),*) => {$(
        impl<T: CacheKey + ?Sized> CacheKey for $ty {
            #[inline]
            fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
                (**self).write_key(sink);
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
}

macro_rules! tuples {
    ($(($($name:ident)+))*) => {$(
        impl<$($name: CacheKey),+> CacheKey for ($($name,)+) {
            #[inline]
            #[allow(non_snake_case)]
            fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
                let ($($name,)+) = self;
                $($name.write_key(sink);)+
            }
        }
    )*};
}

tuples! {
    (A)
    (A B)
    (A B C)
    (A B C D)
    (A B C D E)
    (A B C D E F)
    (A B C D E F G)
    (A B C D E F G H)
    (A B C D E F G H I)
    (A B C D E F G H I J)
    (A B C D E F G H I J K)
    (A B C D E F G H I J K L)
}

/// Written as its 128-bit value, like a `u128`.
#[cfg(feature = "uuid")]
impl CacheKey for uuid::Uuid {
    #[inline]
    fn write_key<S: KeySink + ?Sized>(&self, sink: &mut S) {
        self.as_u128().write_key(sink);
    }
}
