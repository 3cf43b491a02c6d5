//! The pool hands out connections without a check of their own while they are in use, and
//! still never hands out one it knows is lost, nor one that died while idle.

mod common;

use std::time::Duration;

use common::TestDb;
use diesel::prelude::*;
use tasi::adapters::persistence::shared::{PgPool, TRUSTED_FOR, app_url_from, connect};

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

fn pid_of(pool: &PgPool) -> Result<i32, String> {
    let mut c = pool.get().map_err(|e| e.to_string())?;
    diesel::sql_query("SELECT pg_backend_pid() AS pid")
        .get_result::<Pid>(&mut c)
        .map(|p| p.pid)
        .map_err(|e| e.to_string())
}

fn terminate(db: &TestDb, pid: i32) {
    common::exec(db, &format!("SELECT pg_terminate_backend({pid})"));
    // The server closes the socket a moment after it answers.
    std::thread::sleep(Duration::from_millis(200));
}

#[test]
fn a_lost_connection_is_dropped_and_an_idle_dead_one_replaced() {
    let db = TestDb::new();
    let pool = connect(&app_url_from(&db.url), 1).unwrap_or_else(|e| panic!("{e}"));

    // Killed while in use: the next query on it fails (it was trusted, so not checked),
    // and the pool drops it rather than handing it out again.
    let first = pid_of(&pool).unwrap_or_else(|e| panic!("{e}"));
    terminate(&db, first);
    let failed = pid_of(&pool);
    assert!(
        failed.is_err(),
        "the first query finds the connection closed: {failed:?}"
    );
    let second = pid_of(&pool).unwrap_or_else(|e| panic!("a new connection: {e}"));
    assert_ne!(second, first);

    // Killed while idle for longer than it is trusted: checked at checkout and replaced
    // before anything sees it.
    terminate(&db, second);
    std::thread::sleep(TRUSTED_FOR + Duration::from_millis(200));
    let third = pid_of(&pool).unwrap_or_else(|e| panic!("replaced at checkout: {e}"));
    assert_ne!(third, second);
}
