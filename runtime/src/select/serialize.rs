//! [`Selected`]: a value and its compiled selection, serializable by any serde
//! serializer.

use super::compiled::Pick;
use super::schema::Selectable;
use serde::{Serialize, Serializer};

/// A value under a selection: serializes only the selected fields, with any
/// serde serializer. Made by [`Selectable::select`].
///
/// ```
/// use unokit::partial_response;
/// use unokit::select::{Selectable, Selection};
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// struct Post { title: String, body: String }
///
/// let posts = vec![Post { title: "a".into(), body: "long".into() }];
/// let selection = Selection::<Post>::parse("title")?;
/// assert_eq!(serde_json::to_string(&posts.select(&selection)).unwrap(), r#"[{"title":"a"}]"#);
/// # Ok::<(), unokit::select::FieldsError>(())
/// ```
pub struct Selected<'a, T: ?Sized> {
    value: &'a T,
    pick: &'a Pick,
}

impl<'a, T: ?Sized> Selected<'a, T> {
    /// `value` under `pick`, which must have been compiled against `T`'s shape.
    #[inline]
    #[must_use]
    pub(crate) fn new(value: &'a T, pick: &'a Pick) -> Self {
        Self { value, pick }
    }
}

impl<T: ?Sized> Clone for Selected<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Selected<'_, T> {}

impl<T: Selectable + ?Sized> Serialize for Selected<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.pick {
            Pick::All => self.value.serialize(serializer),
            Pick::Some(node) => self.value.serialize_selected(node, serializer),
            // Nothing of the value is wanted; a container leaves it out before
            // getting here, so this only happens at the top.
            Pick::Skip => serializer.serialize_unit(),
            // The container asked `Pick::keeps` before writing the key.
            Pick::IfFields(inner) => Selected::new(self.value, inner).serialize(serializer),
        }
    }
}
