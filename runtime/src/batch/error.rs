use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// Why a key could not be loaded. Every key of a failed batch gets a clone of the
/// same error: the batch function's error is shared through an `Arc`, so it need
/// not be `Clone`.
///
/// ```
/// use std::sync::Arc;
/// use unokit::batch::LoadError;
///
/// let error: LoadError<String> = LoadError::Batch(Arc::new("database down".into()));
/// assert_eq!(error.to_string(), "the batch failed: database down");
/// assert_eq!(error.batch_error().map(String::as_str), Some("database down"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError<E> {
    /// The batch function returned this error for the batch that held the key.
    Batch(Arc<E>),
    /// The batch function panicked, with this message.
    Panicked(Arc<str>),
    /// The batch never finished: its task was dropped, for instance because the
    /// runtime shut down.
    Abandoned,
    /// The batch function did not finish within the loader's
    /// [timeout](super::LoaderConfig::with_timeout), and was dropped.
    TimedOut(std::time::Duration),
}

impl<E> LoadError<E> {
    /// The batch function's error, if that is what failed.
    #[must_use]
    pub fn batch_error(&self) -> Option<&E> {
        match self {
            Self::Batch(error) => Some(error),
            Self::Panicked(_) | Self::Abandoned | Self::TimedOut(_) => None,
        }
    }
}

impl<E> Clone for LoadError<E> {
    fn clone(&self) -> Self {
        match self {
            Self::Batch(error) => Self::Batch(Arc::clone(error)),
            Self::Panicked(message) => Self::Panicked(Arc::clone(message)),
            Self::Abandoned => Self::Abandoned,
            Self::TimedOut(after) => Self::TimedOut(*after),
        }
    }
}

impl<E: fmt::Display> fmt::Display for LoadError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Batch(error) => write!(f, "the batch failed: {error}"),
            Self::Panicked(message) => write!(f, "the batch function panicked: {message}"),
            Self::Abandoned => f.write_str("the batch was dropped before it finished"),
            Self::TimedOut(after) => write!(f, "the batch did not finish within {after:?}"),
        }
    }
}

impl<E: Error + 'static> Error for LoadError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Batch(error) => Some(&**error),
            Self::Panicked(_) | Self::Abandoned | Self::TimedOut(_) => None,
        }
    }
}
