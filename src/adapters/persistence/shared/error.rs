//! The one place where diesel's, the pool's and the encoders' errors become port errors,
//! with the kind callers decide on.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::application::shared::{ErrorKind, StoreError};

/// The kind of a diesel error. PostgreSQL's SQLSTATE decides where diesel maps it
/// (`23505` unique and `23503` foreign-key violations are conflicts, `40001` serialization
/// failures and the `08…` connection errors transient); a deadlock (`40P01`) and a lock
/// that could not be taken (`55P03`), which diesel leaves unknown, are told by their
/// messages ("deadlock detected", "could not obtain lock").
pub fn kind_of(e: &DieselError) -> ErrorKind {
    match e {
        DieselError::NotFound => ErrorKind::NotFound,
        DieselError::DatabaseError(kind, info) => match kind {
            DatabaseErrorKind::UniqueViolation
            | DatabaseErrorKind::ForeignKeyViolation
            | DatabaseErrorKind::ExclusionViolation => ErrorKind::Conflict,
            DatabaseErrorKind::SerializationFailure
            | DatabaseErrorKind::ClosedConnection
            | DatabaseErrorKind::UnableToSendCommand => ErrorKind::Transient,
            _ => {
                let m = info.message();
                if m.contains("deadlock detected") || m.contains("could not obtain lock") {
                    ErrorKind::Transient
                } else {
                    ErrorKind::Permanent
                }
            }
        },
        DieselError::BrokenTransactionManager => ErrorKind::Transient,
        _ => ErrorKind::Permanent,
    }
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        StoreError::caused_by(kind_of(&e), "a database statement failed", e)
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::caused_by(ErrorKind::Transient, "no database connection", e)
    }
}

impl From<diesel::ConnectionError> for StoreError {
    fn from(e: diesel::ConnectionError) -> Self {
        StoreError::caused_by(ErrorKind::Transient, "connecting to the database", e)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::caused_by(ErrorKind::Permanent, "encoding or decoding JSON", e)
    }
}

/// Maps a failure of diesel, the pool or an encoder into a port error (for
/// `.map_err(store_err)`).
pub fn store_err(e: impl Into<StoreError>) -> StoreError {
    e.into()
}

/// A stored row that the domain refuses to read back (a value object's rule it breaks): the
/// data, not the request, is at fault, so it is [`ErrorKind::Permanent`].
pub fn unreadable(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::caused_by(ErrorKind::Permanent, "a stored row does not read back", e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Info(&'static str);
    impl diesel::result::DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            self.0
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    fn db(kind: DatabaseErrorKind, message: &'static str) -> DieselError {
        DieselError::DatabaseError(kind, Box::new(Info(message)))
    }

    #[test]
    fn database_errors_get_the_kind_callers_decide_on() {
        use DatabaseErrorKind as K;
        assert_eq!(kind_of(&db(K::UniqueViolation, "dup")), ErrorKind::Conflict);
        assert_eq!(
            kind_of(&db(K::ForeignKeyViolation, "fk")),
            ErrorKind::Conflict
        );
        assert_eq!(
            kind_of(&db(K::SerializationFailure, "could not serialize")),
            ErrorKind::Transient
        );
        assert_eq!(
            kind_of(&db(K::ClosedConnection, "gone")),
            ErrorKind::Transient
        );
        assert_eq!(
            kind_of(&db(K::Unknown, "deadlock detected")),
            ErrorKind::Transient
        );
        assert_eq!(
            kind_of(&db(K::CheckViolation, "check")),
            ErrorKind::Permanent
        );
        assert_eq!(
            kind_of(&db(K::Unknown, "syntax error")),
            ErrorKind::Permanent
        );
        assert_eq!(kind_of(&DieselError::NotFound), ErrorKind::NotFound);
        let e: StoreError = db(K::UniqueViolation, "dup").into();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert!(std::error::Error::source(&e).is_some(), "the cause is kept");
    }
}
