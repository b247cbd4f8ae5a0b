//! The static shape of a type, as selections see it, and the trait that
//! serializes a value under a compiled selection.

use super::compiled::{Node, Pick, Selection};
use super::serialize::Selected;
use super::validate::Violations;
use serde::{Serialize, Serializer};

/// How a type looks to a selection.
///
/// Lists, options and smart pointers are transparent: a `Vec<User>` has the
/// shape of `User`.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Shape {
    /// A value without fields (a number, a string, or a type serialized whole):
    /// it can be selected, not selected into.
    Leaf,
    /// A struct with named fields known at compile time.
    Object(&'static Schema),
    /// A map: keys are chosen by name at run time; values have the given shape.
    Map(fn() -> Shape),
    /// A value whose shape is known only at run time (`serde_json::Value`):
    /// objects are selected into by key, anything else is kept as it is.
    Dynamic,
}

/// The fields of a `#[partial_response]` struct, in declaration order, as
/// serialized (fields serde skips are absent).
#[derive(Debug)]
pub struct Schema {
    /// The Rust name of the type, for messages.
    pub type_name: &'static str,
    /// The serialized fields.
    pub fields: &'static [FieldSchema],
}

/// One serialized field of a [`Schema`].
#[derive(Debug)]
pub struct FieldSchema {
    /// The name a client selects, after serde's `rename` and `rename_all`.
    pub name: &'static str,
    /// The database column it is read from, for [`Selection::columns`]:
    /// the Rust field name unless `#[partial(column = "..")]` or `#[partial(no_column)]`.
    pub column: Option<&'static str>,
    /// The field's shape. A function, so that recursive types have a schema.
    pub shape: fn() -> Shape,
}

impl Schema {
    /// The position of the field serialized as `name`.
    #[must_use]
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|field| field.name == name)
    }
}

/// A type that can be serialized under a selection of its fields.
///
/// `#[partial_response]` implements it for your structs; unokit implements it
/// for scalars, strings, `Option`, `Vec`, slices, sets, `VecDeque`,
/// `Box`, `Rc`, `Arc` (serde's `rc` feature), `Cow`, references, `HashMap`/`BTreeMap` with string or
/// integer keys, and `serde_json::Value`. A field of any other type can be
/// marked `#[partial(leaf)]` to be serialized whole.
///
/// Use it as a bound: a function generic over the output types it serializes
/// asks for `T: Selectable<Root = T>`, so that a `Selection<T>` applies to `T`.
///
/// ```
/// use unokit::partial_response;
/// use unokit::select::{Selectable, Selection};
///
/// fn to_json<T: Selectable<Root = T>>(value: &T, fields: &str) -> String {
///     let selection = Selection::<T>::parse(fields).unwrap();
///     serde_json::to_string(&value.select(&selection)).unwrap()
/// }
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// struct Point { x: i32, y: i32 }
///
/// assert_eq!(to_json(&Point { x: 1, y: 2 }, "y"), r#"{"y":2}"#);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected into by #[partial_response]",
    label = "`{Self}` does not implement `Selectable`",
    note = "put #[partial_response] on `{Self}`, or mark the field #[partial(leaf)] to serialize it whole"
)]
pub trait Selectable: Serialize {
    /// The type whose selections apply to this one: `Self` for a struct, the
    /// element's root for a list or an option (so a `Selection<User>` serves
    /// `Vec<User>` too).
    type Root: ?Sized;

    /// This type's shape. Written by `#[partial_response]`; its type is not
    /// public API.
    #[doc(hidden)]
    fn shape() -> Shape;

    /// Serializes the selected part of `self`. `node` was compiled against
    /// [`shape`](Self::shape) and is never "everything": that case calls
    /// [`Serialize::serialize`] instead. Written by `#[partial_response]`; its
    /// types are not public API.
    ///
    /// # Errors
    ///
    /// The serializer's errors.
    #[doc(hidden)]
    fn serialize_selected<S: Serializer>(
        &self,
        node: &Node,
        serializer: S,
    ) -> Result<S::Ok, S::Error>;

    /// Whether a restriction can apply to this value as serialized: an object,
    /// or a list holding one. A field reached through a `*` that restricts
    /// (`*/title`) is left out when this is false (`None`, an empty list).
    /// Structs and maps are objects; unokit's containers answer for their
    /// contents. Not public API.
    #[doc(hidden)]
    #[inline]
    fn has_fields(&self) -> bool {
        true
    }

    /// Checks the part of `self` that `pick` serializes against its
    /// `#[garde(..)]` rules, into `report`. Nothing to check by default;
    /// written by `#[partial_response]` for a struct with rules, and by unokit
    /// for containers, which pass it on to each element. Its types are not
    /// public API: call [`validate`](crate::select::validate) instead.
    #[doc(hidden)]
    #[inline]
    fn validate_selected(&self, pick: &Pick, report: &mut Violations) {
        let _ = (pick, report);
    }

    /// This value under `selection`, ready for any serde serializer.
    ///
    /// ```
    /// use unokit::partial_response;
    /// use unokit::select::{Selectable, Selection};
    ///
    /// #[partial_response]
    /// #[derive(serde::Serialize)]
    /// struct Point { x: i32, y: i32 }
    ///
    /// let only_x = Selection::<Point>::parse("x").unwrap();
    /// let point = Point { x: 1, y: 2 };
    /// assert_eq!(serde_json::to_string(&point.select(&only_x)).unwrap(), r#"{"x":1}"#);
    /// ```
    #[inline]
    fn select<'a>(&'a self, selection: &'a Selection<Self::Root>) -> Selected<'a, Self> {
        Selected::new(self, selection.pick())
    }
}

/// A struct's [`Schema`], as a constant. `#[partial_response]` implements it.
pub trait Object {
    /// The serialized fields.
    const SCHEMA: &'static Schema;
}

/// The shape of a `#[partial(leaf)]` field.
#[must_use]
pub fn leaf_shape() -> Shape {
    Shape::Leaf
}
