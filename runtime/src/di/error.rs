//! Why `build()` failed.

use crate::task::BoxError;
use std::fmt;

/// Why a container could not be built. Nothing is left half-built: the services
/// already made are disposed of, newest first, before this is returned.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// A factory failed (the first to fail, when several run at once).
    Failed {
        /// The service whose factory failed.
        service: &'static str,
        /// The factory's error.
        source: BoxError,
    },
    /// Services depend on each other in a circle: `path` starts and ends with
    /// the same service.
    Cycle {
        /// The services around the circle, in dependency order.
        path: Vec<&'static str>,
    },
}

impl BuildError {
    /// The service whose factory failed, if one did.
    #[must_use]
    pub fn service(&self) -> Option<&'static str> {
        match self {
            Self::Failed { service, .. } => Some(service),
            Self::Cycle { .. } => None,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed { service, source } => write!(f, "building `{service}` failed: {source}"),
            Self::Cycle { path } => write!(f, "dependency cycle: {}", path.join(" -> ")),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Failed { source, .. } => Some(&**source),
            Self::Cycle { .. } => None,
        }
    }
}
