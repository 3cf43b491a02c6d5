//! Macros the page handlers share: run blocking work off the async workers, and resolve
//! the caller's scope and layout for a permission.

/// Runs `$e` (a `Result`) on the blocking pool; a failure answers 500.
macro_rules! block {
    ($e:expr) => {
        match web::block(move || $e).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => return internal(&e),
            Err(e) => return internal(&e),
        }
    };
}

/// The caller's scope and layout for a permission (default: view), or the refusal.
macro_rules! ctx {
    ($req:expr, $state:expr, $session:expr, $active:expr) => {
        ctx!($req, $state, $session, $active, Permission::View)
    };
    ($req:expr, $state:expr, $session:expr, $active:expr, $perm:expr) => {
        match context(&$req, &$state, &$session, $active, $perm).await {
            Ok((scope, chrome, _)) => (scope, chrome),
            Err(r) => return r,
        }
    };
}
