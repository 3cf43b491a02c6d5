//! Macros the page handlers share: run blocking work off the async workers, and resolve
//! the caller's scope and layout for a permission.

/// Runs `$e` (a `Result` whose error is a use case's, holding a storage failure or not) on
/// the blocking pool; a failure answers the page its kind calls for
/// ([`crate::adapters::http::shared::errors::failure`]).
macro_rules! block {
    ($e:expr) => {
        match $crate::adapters::http::shared::support::blocking(move || $e).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => return $crate::adapters::http::shared::errors::failure(&e),
            Err(e) => return $crate::adapters::http::shared::errors::internal(&e),
        }
    };
}

/// The caller's scope and layout for a permission (default: view), or the refusal; with
/// `with_user`, the signed-in user too (for the audit entry of an export, or a review).
macro_rules! ctx {
    ($req:expr, $state:expr, $session:expr, $active:expr, $perm:expr, with_user) => {
        match $crate::adapters::http::shared::page::context(
            &$req, &$state, &$session, $active, $perm,
        )
        .await
        {
            Ok(v) => v,
            Err(r) => return r,
        }
    };
    ($req:expr, $state:expr, $session:expr, $active:expr) => {
        ctx!(
            $req,
            $state,
            $session,
            $active,
            $crate::domain::access::Permission::View
        )
    };
    ($req:expr, $state:expr, $session:expr, $active:expr, $perm:expr) => {
        match $crate::adapters::http::shared::page::context(
            &$req, &$state, &$session, $active, $perm,
        )
        .await
        {
            Ok((scope, chrome, _)) => (scope, chrome),
            Err(r) => return r,
        }
    };
}

/// Runs `f` on the blocking thread pool once it is this request's turn at the application
/// pool ([`crate::adapters::persistence::shared::take_turn`]: first come, first served).
/// Every handler's database work goes through here or [`block!`].
///
/// # Errors
/// When `f` panicked or the blocking pool is gone.
pub async fn blocking<F, T>(f: F) -> Result<T, actix_web::error::BlockingError>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let _turn = crate::adapters::persistence::shared::take_turn().await;
    actix_web::web::block(f).await
}
