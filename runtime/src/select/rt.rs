//! What `#[partial_response]` generates code against, and nothing else: the
//! facade re-exports this module as `unokit::__private::select`. Not public API.

pub use super::compiled::{Node, Pick};
pub use super::schema::{FieldSchema, Object, Schema, Selectable, Shape, leaf_shape};
pub use super::validate::Violations;
/// The rules `#[garde(..)]` names (feature `validate`).
#[cfg(feature = "validate")]
pub use garde;
pub use serde::Serializer;
pub use serde::ser::SerializeMap;

use super::serialize::Selected;

/// `value` under `pick`, which was compiled against `T`'s shape: how a struct's
/// serializer hands a field its part of the selection.
#[inline]
#[must_use]
pub fn selected<'a, T: ?Sized>(value: &'a T, pick: &'a Pick) -> Selected<'a, T> {
    Selected::new(value, pick)
}
