use std::fmt;

/// A relation of a loaded row: either loaded, or not.
///
/// Reading a relation that was not loaded is an error, never a silent query:
/// load relations eagerly with `Session::query(..).include(..)`, or explicitly
/// and lazily with the relation's `load`, which goes through a batch loader.
///
/// ```
/// use unokit::db::Related;
///
/// let mut author: Related<String> = Related::default();
/// assert!(author.get().is_err());
/// author.set("ada".to_owned());
/// assert_eq!(author.get().map(String::as_str), Ok("ada"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Related<T> {
    value: Option<T>,
}

/// The error of reading a relation that was not loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotLoaded;

impl fmt::Display for NotLoaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the relation was not loaded: include it in the query, or load it with the relation's `load`")
    }
}

impl std::error::Error for NotLoaded {}

impl<T> Related<T> {
    /// A relation not loaded yet.
    #[must_use]
    pub const fn not_loaded() -> Self {
        Self { value: None }
    }

    /// A loaded relation.
    #[must_use]
    pub const fn loaded(value: T) -> Self {
        Self { value: Some(value) }
    }

    /// The loaded value.
    ///
    /// # Errors
    ///
    /// [`NotLoaded`] if the relation was not loaded.
    pub fn get(&self) -> Result<&T, NotLoaded> {
        self.value.as_ref().ok_or(NotLoaded)
    }

    /// The loaded value, mutably.
    ///
    /// # Errors
    ///
    /// [`NotLoaded`] if the relation was not loaded.
    pub fn get_mut(&mut self) -> Result<&mut T, NotLoaded> {
        self.value.as_mut().ok_or(NotLoaded)
    }

    /// The loaded value, consuming the relation.
    ///
    /// # Errors
    ///
    /// [`NotLoaded`] if the relation was not loaded.
    pub fn into_inner(self) -> Result<T, NotLoaded> {
        self.value.ok_or(NotLoaded)
    }

    /// Whether the relation was loaded.
    #[must_use]
    pub const fn is_loaded(&self) -> bool {
        self.value.is_some()
    }

    /// Whether the relation was not loaded: for
    /// `#[serde(default, skip_serializing_if = "Related::is_unloaded")]`, so
    /// that a model serializes (and deserializes back) whatever it included.
    #[must_use]
    pub const fn is_unloaded(&self) -> bool {
        self.value.is_none()
    }

    /// Marks the relation loaded with `value`.
    pub fn set(&mut self, value: T) {
        self.value = Some(value);
    }

    /// Marks the relation not loaded, returning what it held.
    pub fn unload(&mut self) -> Option<T> {
        self.value.take()
    }
}

impl<T> Default for Related<T> {
    fn default() -> Self {
        Self::not_loaded()
    }
}

impl<T: fmt::Debug> fmt::Debug for Related<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => f.debug_tuple("Loaded").field(value).finish(),
            None => f.write_str("NotLoaded"),
        }
    }
}

/// A loaded relation serializes as its value, so that a model can be a
/// response. Serializing one that was not loaded is an error naming it: the
/// query forgot an `include`. Leave unloaded relations out with
/// `#[serde(skip_serializing_if = "Related::is_unloaded")]`.
impl<T: serde::Serialize> serde::Serialize for Related<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.value {
            Some(value) => value.serialize(serializer),
            None => Err(not_loaded::<T, S::Error>()),
        }
    }
}

/// A relation deserializes loaded, from its value: with
/// `#[serde(default)]` on the field, an absent one is not loaded, so that a
/// model serialized with `skip_serializing_if = "Related::is_unloaded"` reads
/// back as it was (a query result shared through Redis does).
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Related<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self::loaded)
    }
}

/// Under a selection (`#[partial_response]` on a model), a relation selects
/// into its value; one the selection skips is never read, so it need not be
/// loaded.
impl<T: crate::select::Selectable> crate::select::Selectable for Related<T> {
    type Root = T::Root;

    fn shape() -> crate::select::rt::Shape {
        T::shape()
    }

    fn serialize_selected<S: serde::Serializer>(
        &self,
        node: &crate::select::rt::Node,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match &self.value {
            Some(value) => value.serialize_selected(node, serializer),
            None => Err(not_loaded::<T, S::Error>()),
        }
    }
}

fn not_loaded<T, E: serde::ser::Error>() -> E {
    E::custom(format_args!(
        "a `Related<{}>` was serialized but {NotLoaded}",
        std::any::type_name::<T>()
    ))
}
