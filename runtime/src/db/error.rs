use super::related::NotLoaded;
use crate::batch::LoadError;
use std::fmt;
use std::sync::Arc;

/// What can go wrong loading or writing models.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DbError {
    /// A statement failed.
    Sqlx(Arc<sqlx::Error>),
    /// A batch failed: its error is shared by every key of the batch.
    Batch(LoadError<sqlx::Error>),
    /// A relation was read before it was loaded.
    NotLoaded(NotLoaded),
    /// A relation was loaded lazily in a strict session.
    LazyLoadInStrictMode {
        /// `Model.field` of the relation.
        relation: &'static str,
    },
    /// A `belongs_to` relation points to a row that does not exist.
    MissingRow {
        /// `Model.field` of the relation.
        relation: &'static str,
    },
    /// A selection names a relation whose model cannot be read from the
    /// session's engine (one of its columns is another engine's type), so
    /// [`select`](super::Query::select) cannot follow it there.
    NotSelectable {
        /// `Model.field` of the relation.
        relation: &'static str,
    },
    /// A statement of the session, waiting for a connection included, did not
    /// finish within the session's [timeout](super::Session::with_timeout).
    Timeout(std::time::Duration),
    /// A table name given at run time that is not a plain identifier (letters,
    /// digits, `_`, and one `.` for `schema.table`).
    InvalidName(String),
    /// A database unokit cannot watch for changes, and why.
    Unwatchable(&'static str),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlx(error) => write!(f, "database error: {error}"),
            Self::Batch(error) => write!(f, "batch load error: {error}"),
            Self::NotLoaded(error) => error.fmt(f),
            Self::LazyLoadInStrictMode { relation } => write!(
                f,
                "`{relation}` was loaded lazily in a strict session; include it in the query that loads its parents"
            ),
            Self::MissingRow { relation } => {
                write!(f, "`{relation}` points to a row that does not exist")
            }
            Self::NotSelectable { relation } => write!(
                f,
                "the selection names `{relation}`, whose model cannot be read from this engine (a column of another engine's type)"
            ),
            Self::Timeout(after) => write!(f, "the statement did not finish within {after:?}"),
            Self::InvalidName(name) => write!(
                f,
                "`{name}` is not a table name: use letters, digits, `_`, and one `.` for `schema.table`"
            ),
            Self::Unwatchable(why) => write!(f, "cannot watch this database: {why}"),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sqlx(error) => Some(&**error),
            Self::Batch(error) => Some(error),
            Self::NotLoaded(error) => Some(error),
            Self::LazyLoadInStrictMode { .. }
            | Self::MissingRow { .. }
            | Self::NotSelectable { .. }
            | Self::Timeout(_)
            | Self::InvalidName(_)
            | Self::Unwatchable(_) => None,
        }
    }
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        Self::Sqlx(Arc::new(error))
    }
}

impl From<LoadError<sqlx::Error>> for DbError {
    fn from(error: LoadError<sqlx::Error>) -> Self {
        Self::Batch(error)
    }
}

impl From<NotLoaded> for DbError {
    fn from(error: NotLoaded) -> Self {
        Self::NotLoaded(error)
    }
}
