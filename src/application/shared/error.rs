//! The error every port returns when its adapter fails: a kind that callers decide on
//! (retry, answer 404 or 409, give up), and the adapter's own error as its source.

use std::error::Error;
use std::fmt;

/// What kind of failure a port met: the only thing callers branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A write broke a uniqueness or reference rule: the e-mail is taken, the row was
    /// written meanwhile by someone else. Retrying the same write fails the same way.
    Conflict,
    /// A row the operation needs does not exist.
    NotFound,
    /// The store could not serve now but may in a moment: a serialization failure, a
    /// deadlock, a lost connection, no free connection. The whole unit of work may be run
    /// again ([`StoreError::is_transient`]).
    Transient,
    /// Anything else: a broken rule of the schema, a query that cannot run, data that does
    /// not read back. Retrying does not help.
    Permanent,
}

impl ErrorKind {
    /// The kind's name as logs show it: `conflict`, `not found`, `transient`, `permanent`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Conflict => "conflict",
            ErrorKind::NotFound => "not found",
            ErrorKind::Transient => "transient",
            ErrorKind::Permanent => "permanent",
        }
    }
}

/// A failure of a port's adapter (database, file system…): its [`ErrorKind`], what was being
/// done, and the adapter's error as its [`Error::source`]. Use cases wrap it in their own
/// error types; pages show a generic message and the logs the whole chain.
#[derive(Debug)]
pub struct StoreError {
    kind: ErrorKind,
    doing: String,
    source: Option<Box<dyn Error + Send + Sync + 'static>>,
}

impl StoreError {
    /// A failure of `kind` while `doing` something (said in a few words), with no source.
    pub fn new(kind: ErrorKind, doing: impl Into<String>) -> Self {
        StoreError {
            kind,
            doing: doing.into(),
            source: None,
        }
    }

    /// A failure of `kind` while `doing` something, caused by `source`.
    pub fn caused_by(
        kind: ErrorKind,
        doing: impl Into<String>,
        source: impl Error + Send + Sync + 'static,
    ) -> Self {
        StoreError {
            kind,
            doing: doing.into(),
            source: Some(Box::new(source)),
        }
    }

    /// A [`ErrorKind::Permanent`] failure: something that should not happen did.
    pub fn permanent(doing: impl Into<String>) -> Self {
        StoreError::new(ErrorKind::Permanent, doing)
    }

    /// Its kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// True when running the unit of work again may succeed.
    pub fn is_transient(&self) -> bool {
        self.kind == ErrorKind::Transient
    }

    /// The same failure, said to have happened while `doing` something.
    pub fn while_doing(mut self, doing: impl Into<String>) -> Self {
        self.doing = doing.into();
        self
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage failed ({}): {}", self.kind.name(), self.doing)
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

/// An error of a use case that may hold a [`StoreError`]: how the unit of work decides to
/// retry, and how the HTTP adapter picks a status code, without knowing the use case.
pub trait StoreFailure {
    /// The storage failure behind this error, when it is one.
    fn store_error(&self) -> Option<&StoreError>;
}

impl StoreFailure for StoreError {
    fn store_error(&self) -> Option<&StoreError> {
        Some(self)
    }
}

/// The error's message and every source under it, joined by `: ` (for the logs).
pub fn chain(error: &(dyn Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        let text = e.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        next = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Cause;
    impl fmt::Display for Cause {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "connection reset")
        }
    }
    impl Error for Cause {}

    #[test]
    fn a_store_error_keeps_its_kind_and_source() {
        let e = StoreError::caused_by(ErrorKind::Transient, "reading landings", Cause);
        assert!(e.is_transient());
        assert_eq!(e.kind(), ErrorKind::Transient);
        assert_eq!(
            e.to_string(),
            "storage failed (transient): reading landings"
        );
        assert_eq!(
            chain(&e),
            "storage failed (transient): reading landings: connection reset"
        );
        assert!(!StoreError::permanent("x").is_transient());
        assert_eq!(
            e.store_error().map(StoreError::kind),
            Some(ErrorKind::Transient)
        );
    }
}
