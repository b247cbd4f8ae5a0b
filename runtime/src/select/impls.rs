//! [`Selectable`] for std types: scalars are leaves, containers are transparent,
//! maps select by key, `serde_json::Value` by key at run time.

use super::compiled::{Node, Pick};
use super::schema::{Selectable, Shape};
use super::serialize::Selected;
use super::validate::Violations;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::Arc;

macro_rules! leaves {
    ($($ty:ty),* $(,)?) => {$(
        impl Selectable for $ty {
            type Root = Self;
            #[inline]
            fn shape() -> Shape {
                Shape::Leaf
            }
            #[inline]
            fn serialize_selected<S: Serializer>(&self, _: &Node, serializer: S) -> Result<S::Ok, S::Error> {
                // A leaf's selections compile to "whole"; lenient ones too.
                self.serialize(serializer)
            }
            #[inline]
            fn has_fields(&self) -> bool {
                false
            }
        }
    )*};
}

leaves!(
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
    str,
    String,
    (),
    std::time::Duration,
    std::time::SystemTime,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
    std::net::SocketAddr,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroI64,
    std::path::Path,
    std::path::PathBuf,
);

#[cfg(feature = "uuid")]
leaves!(uuid::Uuid);

/// Pointers and borrows: the pointee's selection.
macro_rules! transparent {
    ($($ty:ty),* $(,)?) => {$(
        impl<T: Selectable + ?Sized> Selectable for $ty {
            type Root = T::Root;
            #[inline]
            fn shape() -> Shape {
                T::shape()
            }
            #[inline]
            fn serialize_selected<S: Serializer>(&self, node: &Node, serializer: S) -> Result<S::Ok, S::Error> {
                (**self).serialize_selected(node, serializer)
            }
            #[inline]
            fn has_fields(&self) -> bool {
                (**self).has_fields()
            }

            fn validate_selected(&self, pick: &Pick, report: &mut Violations) {
                (**self).validate_selected(pick, report);
            }
        }
    )*};
}

transparent!(&T, &mut T, Box<T>, Rc<T>, Arc<T>);

impl<T: Selectable + ToOwned + ?Sized> Selectable for Cow<'_, T> {
    type Root = T::Root;
    fn shape() -> Shape {
        T::shape()
    }
    fn serialize_selected<S: Serializer>(
        &self,
        node: &Node,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        (**self).serialize_selected(node, serializer)
    }
    fn has_fields(&self) -> bool {
        (**self).has_fields()
    }

    fn validate_selected(&self, pick: &Pick, report: &mut Violations) {
        (**self).validate_selected(pick, report);
    }
}

impl<T: Selectable> Selectable for Option<T> {
    type Root = T::Root;
    #[inline]
    fn shape() -> Shape {
        T::shape()
    }
    #[inline]
    fn serialize_selected<S: Serializer>(
        &self,
        node: &Node,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Within(value, node)),
            None => serializer.serialize_none(),
        }
    }
    #[inline]
    fn has_fields(&self) -> bool {
        self.as_ref().is_some_and(T::has_fields)
    }

    fn validate_selected(&self, pick: &Pick, report: &mut Violations) {
        if let Some(value) = self {
            value.validate_selected(pick, report);
        }
    }
}

/// A value under a node (a [`Selected`] whose pick is known to be `Some`).
struct Within<'a, T: ?Sized>(&'a T, &'a Node);

impl<T: Selectable + ?Sized> Serialize for Within<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_selected(self.1, serializer)
    }
}

fn serialize_elements<'a, T, S, I>(items: I, node: &Node, serializer: S) -> Result<S::Ok, S::Error>
where
    T: Selectable + 'a,
    S: Serializer,
    I: ExactSizeIterator<Item = &'a T>,
{
    let mut seq = serializer.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(&Within(item, node))?;
    }
    seq.end()
}

/// Sequences: each element gets the selection.
macro_rules! sequences {
    ($($ty:ty $(where $bound:path)?),* $(,)?) => {$(
        impl<T: Selectable $(+ $bound)?> Selectable for $ty {
            type Root = T::Root;
            #[inline]
            fn shape() -> Shape {
                T::shape()
            }
            #[inline]
            fn serialize_selected<S: Serializer>(&self, node: &Node, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_elements(self.iter(), node, serializer)
            }
            fn has_fields(&self) -> bool {
                self.iter().any(T::has_fields)
            }

            #[inline]
            fn validate_selected(&self, pick: &Pick, report: &mut Violations) {
                report.elements(self.iter(), pick);
            }
        }
    )*};
}

sequences!([T], Vec<T>, VecDeque<T>, BTreeSet<T> where Ord);

impl<T: Selectable + Eq + std::hash::Hash, H: BuildHasher> Selectable for HashSet<T, H> {
    type Root = T::Root;
    fn shape() -> Shape {
        T::shape()
    }
    fn serialize_selected<S: Serializer>(
        &self,
        node: &Node,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serialize_elements(self.iter(), node, serializer)
    }
    fn has_fields(&self) -> bool {
        self.iter().any(T::has_fields)
    }
}

/// A map key that selections can name: its text form.
pub trait SelectKey: Serialize {
    /// Calls `f` with the key as a client would name it.
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R;
}

impl SelectKey for str {
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}

impl SelectKey for String {
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}

impl<K: SelectKey + ?Sized> SelectKey for &K {
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        (**self).with_text(f)
    }
}

impl<K: SelectKey + ?Sized> SelectKey for Box<K> {
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        (**self).with_text(f)
    }
}

impl<K: SelectKey + ?Sized> SelectKey for Arc<K> {
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        (**self).with_text(f)
    }
}

impl SelectKey for Cow<'_, str> {
    fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}

macro_rules! integer_keys {
    ($($ty:ty),*) => {$(
        impl SelectKey for $ty {
            fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
                f(&self.to_string())
            }
        }
    )*};
}

integer_keys!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, char, bool
);

fn serialize_entries<'a, K, V, S, I>(
    entries: I,
    node: &Node,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    K: SelectKey + ?Sized + 'a,
    V: Selectable + ?Sized + 'a,
    S: Serializer,
    I: Iterator<Item = (&'a K, &'a V)> + Clone,
{
    // Formats that write the length first need it exact: count the selected
    // entries before writing them.
    let selected = entries
        .clone()
        .filter(|(key, value)| key.with_text(|key| node.key_pick(key).keeps(*value)))
        .count();
    let mut map = serializer.serialize_map(Some(selected))?;
    for (key, value) in entries {
        key.with_text(|text| match node.key_pick(text) {
            pick if !pick.keeps(value) => Ok(()),
            pick => map.serialize_entry(key, &Selected::new(value, pick)),
        })?;
    }
    map.end()
}

/// Maps select by key: each entry's value gets the part of the selection its
/// key names.
macro_rules! maps {
    ($(impl[$($params:tt)*] $map:ty => $value:ty;)*) => {$(
        impl<$($params)*> Selectable for $map {
            type Root = Self;
            fn shape() -> Shape {
                Shape::Map(<$value>::shape)
            }
            fn serialize_selected<S: Serializer>(
                &self,
                node: &Node,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serialize_entries(self.iter(), node, serializer)
            }
        }
    )*};
}

maps! {
    impl[K: SelectKey + Ord, V: Selectable] BTreeMap<K, V> => V;
    impl[K: SelectKey + Eq + std::hash::Hash, V: Selectable, H: BuildHasher] HashMap<K, V, H> => V;
    impl[] serde_json::Map<String, serde_json::Value> => serde_json::Value;
}

impl Selectable for serde_json::Value {
    type Root = Self;
    fn shape() -> Shape {
        Shape::Dynamic
    }
    fn serialize_selected<S: Serializer>(
        &self,
        node: &Node,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        use serde_json::Value;
        match self {
            Value::Object(object) => serialize_entries(object.iter(), node, serializer),
            Value::Array(items) => serialize_elements(items.iter(), node, serializer),
            scalar => scalar.serialize(serializer),
        }
    }
    fn has_fields(&self) -> bool {
        match self {
            serde_json::Value::Object(_) => true,
            serde_json::Value::Array(items) => items.iter().any(Self::has_fields),
            _ => false,
        }
    }
}
