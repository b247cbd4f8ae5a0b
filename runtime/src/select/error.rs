use std::fmt;

/// Why a `fields` selection was refused: where (byte offset and path) and what.
///
/// The same error serves the parser (a syntax error) and the compiler (a field
/// the type does not have), so a client always learns the byte and the path.
///
/// ```
/// use unokit::select::{Fields, FieldsErrorKind};
///
/// let error = Fields::parse("id,posts(title").unwrap_err();
/// assert_eq!(error.kind(), FieldsErrorKind::Syntax);
/// assert_eq!(error.offset(), 8);
/// assert_eq!(error.path(), "posts");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldsError {
    kind: FieldsErrorKind,
    offset: usize,
    path: String,
    message: String,
}

/// The kinds of [`FieldsError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldsErrorKind {
    /// The text does not follow the grammar.
    Syntax,
    /// Parentheses and path segments nest deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    TooDeep,
    /// The selection would expand past [`MAX_NODES`](super::MAX_NODES) nodes.
    TooLarge,
    /// The text is longer than the HTTP extractors accept (`MAX_FIELDS_LEN`
    /// of the `http` module, feature `axum`).
    TooLong,
    /// A name the type does not have (strict compilation only).
    UnknownField,
    /// A sub-selection inside a value that has no fields, such as a number.
    NotAnObject,
}

impl FieldsError {
    pub(crate) fn new(
        kind: FieldsErrorKind,
        offset: usize,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            offset,
            path: path.into(),
            message: message.into(),
        }
    }

    /// What went wrong, as a category.
    #[must_use]
    pub fn kind(&self) -> FieldsErrorKind {
        self.kind
    }

    /// The byte offset in the selection text where the problem starts.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The path to the offending field, segments joined by `/` (empty at the top).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The human-readable explanation, without the offset and path.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for FieldsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {}", self.message, self.offset)?;
        if !self.path.is_empty() {
            write!(f, ", path `{}`", self.path)?;
        }
        f.write_str(")")
    }
}

impl std::error::Error for FieldsError {}
