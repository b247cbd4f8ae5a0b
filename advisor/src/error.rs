//! The one error type of the advisor, with messages that say what to do.

use std::fmt;

/// What went wrong, in words a person running the advisor can act on.
#[derive(Debug)]
pub enum Error {
    /// The database URL is not one the advisor understands.
    BadUrl {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The server did not answer, or refused the connection, within the deadline.
    Unreachable {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// The deadline that passed or the connection attempt's own error.
        reason: String,
    },
    /// A statement could not be planned or a catalog query failed.
    Statement {
        /// The statement (or catalog query) that failed.
        statement: String,
        /// The database's message.
        reason: String,
    },
    /// A workload file line that does not parse.
    Workload {
        /// The file.
        path: String,
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        reason: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadUrl { url, reason } => write!(
                f,
                "bad database URL `{url}`: {reason} (expected sqlite://PATH or postgres://USER@HOST:PORT/DB)"
            ),
            Error::Unreachable { url, reason } => {
                write!(f, "cannot reach the database at `{url}`: {reason}")
            }
            Error::Statement { statement, reason } => {
                write!(f, "the database refused `{statement}`: {reason}")
            }
            Error::Workload { path, line, reason } => {
                write!(f, "{path}:{line}: {reason}")
            }
            Error::Io { path, reason } => write!(f, "{path}: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

/// The advisor's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn statement(statement: &str, err: impl fmt::Display) -> Self {
        Error::Statement {
            statement: statement.trim().to_owned(),
            reason: err.to_string(),
        }
    }
}

/// `url` with the password (between `user:` and `@`) replaced by `***`, so that
/// error messages and reports never show it.
///
/// ```
/// assert_eq!(unokit_advisor::redact("postgres://u:pw@h/db"), "postgres://u:***@h/db");
/// ```
pub fn redact(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        if let Some(at) = rest.find('@')
            && let Some(colon) = rest[..at].find(':')
        {
            return format!(
                "{}{}:***{}",
                &url[..scheme_end + 3],
                &rest[..colon],
                &rest[at..]
            );
        }
    }
    url.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_the_password_only() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://a.db"), "sqlite://a.db");
    }
}
