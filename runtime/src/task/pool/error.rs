//! Why a checkout failed.

use crate::task::BoxError;
use std::time::Duration;

/// Why a checkout failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum PoolError {
    /// No object came free, or creating one did not finish, within the acquire timeout.
    Timeout(Duration),
    /// Creating an object failed.
    Create(BoxError),
    /// [`Pool::try_get`](super::Pool::try_get) would have had to wait: the pool is full, or creating or
    /// checking an object needs an `.await`.
    WouldWait,
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout(after) => write!(f, "no pooled object came free within {after:?}"),
            Self::Create(error) => write!(f, "creating a pooled object failed: {error}"),
            Self::WouldWait => f.write_str("taking a pooled object now would need to wait"),
        }
    }
}

impl std::error::Error for PoolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Create(error) => Some(&**error),
            _ => None,
        }
    }
}
