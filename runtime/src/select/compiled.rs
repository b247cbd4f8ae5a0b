//! A [`Fields`] compiled against a type's [`Shape`]: per struct, one decision per
//! field in declaration order, so serializing consults an array instead of
//! looking names up.

use super::error::FieldsError;
use super::fields::Fields;
use super::schema::{Schema, Selectable, Shape};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

#[path = "compile.rs"]
mod compile;

/// What a compiled selection does with one value.
#[derive(Clone, Debug)]
pub enum Pick {
    /// Leave it out.
    Skip,
    /// Serialize it whole, with its own `Serialize`.
    All,
    /// Serialize part of it, as the node says. Shared: what one `*` compiles
    /// to against one struct is built once however many fields reach it.
    Some(Arc<Node>),
    /// A field reached through a `*` that restricts (`*/title`): as the inner
    /// pick if the value has fields to restrict (an object, or a list holding
    /// one), left out otherwise (`null`, an empty list). Known only at run time.
    IfFields(Arc<Pick>),
}

impl Pick {
    /// What the selection does with the struct field serialized as `name`
    /// (everything under `All`, nothing under `Skip`): how a query follows a
    /// selection into a model's relations.
    #[must_use]
    pub fn field(&self, name: &str) -> &Pick {
        match self {
            Self::Skip => &Pick::Skip,
            Self::All => &Pick::All,
            Self::Some(node) => node.child(name),
            // Whether the value has fields is known once it is loaded: a
            // query loads it, and serialization decides.
            Self::IfFields(inner) => inner.field(name),
        }
    }

    /// Whether the value is left out.
    #[inline]
    #[must_use]
    pub fn is_skip(&self) -> bool {
        matches!(self, Self::Skip)
    }

    /// Whether `value` is written: not skipped, and for
    /// [`IfFields`](Self::IfFields) only if it has fields.
    #[inline]
    #[must_use]
    pub fn keeps<T: Selectable + ?Sized>(&self, value: &T) -> bool {
        match self {
            Self::Skip => false,
            Self::IfFields(_) => value.has_fields(),
            Self::All | Self::Some(_) => true,
        }
    }

    /// Whether `value` is left out although the pick is not [`Skip`](Self::Skip):
    /// what a struct subtracts from its count of selected fields.
    #[inline]
    #[must_use]
    pub fn drops<T: Selectable + ?Sized>(&self, value: &T) -> bool {
        matches!(self, Self::IfFields(_)) && !value.has_fields()
    }

    /// The pick once the value is known to be written.
    #[inline]
    pub(crate) fn unconditional(&self) -> &Self {
        match self {
            Self::IfFields(inner) => inner,
            pick => pick,
        }
    }
}

/// A compiled selection inside one struct or map.
#[derive(Clone, Debug)]
pub struct Node {
    kind: NodeKind,
}

#[derive(Clone, Debug)]
enum NodeKind {
    Object {
        schema: &'static Schema,
        picks: Box<[Pick]>,
        selected: usize,
        /// Whether a pick is [`Pick::IfFields`], so that the count of
        /// selected fields depends on the value.
        conditional: bool,
    },
    Keys {
        /// Sorted by name.
        named: Box<[(Box<str>, Pick)]>,
        others: Pick,
    },
}

impl Node {
    /// For a struct of `N` serialized fields: the pick of each field, and how
    /// many are not skipped. `None` if the node was compiled for another shape.
    #[inline]
    #[must_use]
    pub fn object_picks<const N: usize>(&self) -> Option<(&[Pick; N], usize)> {
        match &self.kind {
            NodeKind::Object {
                picks, selected, ..
            } => Some((<&[Pick; N]>::try_from(&**picks).ok()?, *selected)),
            NodeKind::Keys { .. } => None,
        }
    }

    /// Whether a struct's count of selected fields depends on the values (a
    /// pick is [`Pick::IfFields`]): then each such field that
    /// [`drops`](Pick::drops) its value is subtracted from it.
    #[inline]
    #[must_use]
    pub fn has_conditional(&self) -> bool {
        matches!(
            &self.kind,
            NodeKind::Object {
                conditional: true,
                ..
            }
        )
    }

    /// For a map: the pick of the entry with this key.
    #[must_use]
    pub fn key_pick(&self, key: &str) -> &Pick {
        match &self.kind {
            NodeKind::Keys { named, others } => named
                .binary_search_by(|(name, _)| (**name).cmp(key))
                .map_or(others, |at| &named[at].1),
            NodeKind::Object { .. } => &Pick::Skip,
        }
    }

    /// Whether no map key is chosen by default (so entries need not be counted
    /// before serializing: only named keys can appear).
    #[must_use]
    pub fn keys_only_named(&self) -> bool {
        matches!(
            &self.kind,
            NodeKind::Keys {
                others: Pick::Skip,
                ..
            }
        )
    }

    /// The error a serializer reports when a node meets a value of another shape,
    /// which only a hand-written [`Selectable`] impl can cause.
    #[must_use]
    pub fn mismatch<E: serde::ser::Error>(&self, type_name: &str) -> E {
        E::custom(format_args!(
            "a selection compiled for another type was applied to `{type_name}`"
        ))
    }

    fn child(&self, name: &str) -> &Pick {
        match &self.kind {
            NodeKind::Object { schema, picks, .. } => {
                schema.position(name).map_or(&Pick::Skip, |at| &picks[at])
            }
            NodeKind::Keys { .. } => self.key_pick(name),
        }
    }
}

/// A selection compiled against `T`: what serializers consult.
///
/// Compile once (per request, or once for a fixed selection) and use it for any
/// number of values of `T` or of lists, options, maps of `T`. Cloning is cheap.
///
/// ```
/// use unokit::partial_response;
/// use unokit::select::{Selectable, Selection};
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// struct User { id: u64, name: String, #[serde(rename = "emailAddress")] email: String }
///
/// let selection = Selection::<User>::parse("id,emailAddress")?;
/// let user = User { id: 7, name: "Ada".into(), email: "ada@example.com".into() };
/// assert_eq!(
///     serde_json::to_string(&user.select(&selection)).unwrap(),
///     r#"{"id":7,"emailAddress":"ada@example.com"}"#,
/// );
/// assert!(selection.wants("emailAddress") && !selection.wants("name"));
/// assert_eq!(selection.columns(), ["id", "email"]);
/// # Ok::<(), unokit::select::FieldsError>(())
/// ```
pub struct Selection<T: ?Sized> {
    root: Arc<Pick>,
    marker: PhantomData<fn(&T)>,
}

impl<T: ?Sized> Clone for Selection<T> {
    fn clone(&self) -> Self {
        Self {
            root: Arc::clone(&self.root),
            marker: PhantomData,
        }
    }
}

impl<T: ?Sized> fmt::Debug for Selection<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Selection")
            .field("root", &self.root)
            .finish()
    }
}

impl<T: Selectable + ?Sized> Selection<T> {
    /// Everything: values serialize exactly as their `Serialize` does.
    #[must_use]
    pub fn all() -> Self {
        Self::from_pick(Pick::All)
    }

    /// Parses and compiles strictly: see [`Fields::compile`].
    ///
    /// # Errors
    ///
    /// A syntax error, or a name that `T` does not have, with its offset and path.
    pub fn parse(text: &str) -> Result<Self, FieldsError> {
        Fields::parse(text)?.compile()
    }

    /// The columns of `T`'s row that the selection needs, in declaration order:
    /// each selected field's column (its Rust name, or its `#[partial(column)]`).
    /// Fields marked `#[partial(no_column)]` are left out, and a `T` that is not
    /// a `#[partial_response]` struct has none.
    #[must_use]
    pub fn columns(&self) -> Vec<&'static str> {
        match &*self.root {
            Pick::All => match T::shape() {
                Shape::Object(schema) => schema.fields.iter().filter_map(|f| f.column).collect(),
                _ => Vec::new(),
            },
            // At the root a value is always written.
            Pick::IfFields(_) => Vec::new(),
            pick => pick_columns(pick),
        }
    }

    fn from_pick(pick: Pick) -> Self {
        Self {
            root: Arc::new(pick),
            marker: PhantomData,
        }
    }
}

/// The columns of the row that `pick` (compiled against a struct's schema)
/// names, in declaration order: what [`Selection::columns`] gives for the
/// root, and what a query reads of related rows the selection reaches. Under
/// [`Pick::IfFields`], those of the inner pick: the rows are read before it
/// is known whether they are written. Under [`Pick::All`] none, since the
/// pick does not know the struct: callers read every column then.
pub(crate) fn pick_columns(pick: &Pick) -> Vec<&'static str> {
    match pick.unconditional() {
        Pick::Skip | Pick::All | Pick::IfFields(_) => Vec::new(),
        Pick::Some(node) => match &node.kind {
            NodeKind::Object { schema, picks, .. } => schema
                .fields
                .iter()
                .zip(picks.iter())
                .filter(|(_, pick)| !pick.is_skip())
                .filter_map(|(field, _)| field.column)
                .collect(),
            NodeKind::Keys { .. } => Vec::new(),
        },
    }
}

impl<T: ?Sized> Selection<T> {
    /// The compiled root, for serializers.
    #[must_use]
    pub(crate) fn pick(&self) -> &Pick {
        &self.root
    }

    /// Whether everything is selected.
    #[must_use]
    pub fn is_all(&self) -> bool {
        matches!(*self.root, Pick::All)
    }

    /// Whether the field or path (`posts/title`, `posts.title`; serialized names)
    /// is serialized at least in part. Ask it before fetching what a field needs.
    /// A path the type does not have is not wanted.
    #[must_use]
    pub fn wants(&self, path: &str) -> bool {
        let mut pick = &*self.root;
        for name in path.split(['/', '.']) {
            match pick.unconditional() {
                Pick::Skip => return false,
                Pick::All => return true,
                Pick::Some(node) => pick = node.child(name),
                Pick::IfFields(_) => unreachable!("`unconditional` unwraps it"),
            }
        }
        !pick.is_skip()
    }
}
