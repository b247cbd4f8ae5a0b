//! What `#[partial_response]` generates code against, and nothing else: the
//! facade re-exports this module as `unokit::__private::select`. Not public API.

pub use super::compiled::{Node, Pick};
pub use super::schema::{FieldSchema, Object, Schema, Selectable, Shape, leaf_shape};
pub use super::validate::Violations;
/// Keeps the `validate_selected` method `#[partial_response]` writes for
/// `#[garde(..)]` rules; without the `validate` feature, replaces it with an
/// error saying to turn the feature on (rather than an unresolved `garde`).
pub use crate::__unokit_with_validate as with_validate;
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

#[cfg(feature = "validate")]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_with_validate {
    ($($method:tt)*) => { $($method)* };
}

#[cfg(not(feature = "validate"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __unokit_with_validate {
    ($($method:tt)*) => {
        ::core::compile_error!(
            "`#[garde(..)]` rules on a `#[partial_response]` type are checked by unokit's `validate` feature: add `features = [\"validate\"]` to the `unokit` dependency"
        );
    };
}
