//! The statements every request runs are kept prepared on their connection: PostgreSQL
//! parses and plans them once, not on every request (under load that work was half of the
//! database's time). A query built with `diesel::dsl::sql` or `sql_query` would fall out of
//! diesel's statement cache; these tests catch it.

mod common;

use common::TestDb;
use diesel::prelude::*;
use tasi::adapters::persistence::landings::queries::DieselLandingQueries;
use tasi::adapters::persistence::shared::{Binds, ScopedRead, kept};
use tasi::application::landings::ports::{Keyset, LandingFilter, LandingQueries};
use tasi::domain::shared::{AccessScope, JurisdictionPath};

/// The prepared statements of the connection, as text.
fn prepared(c: &mut PgConnection) -> Vec<String> {
    #[derive(QueryableByName)]
    struct S {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
    }
    diesel::sql_query("SELECT statement FROM pg_prepared_statements")
        .load::<S>(c)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|s| s.statement)
        .collect()
}

fn scope(path: &str) -> AccessScope {
    AccessScope::of(vec![
        JurisdictionPath::parse(path).unwrap_or_else(|e| panic!("{e}")),
    ])
}

#[test]
fn a_kept_statement_and_the_scope_of_a_read_are_prepared_once() {
    let db = TestDb::new();
    // A pool of one connection: every read below runs on it.
    let pool = tasi::adapters::persistence::shared::connect(
        &tasi::adapters::persistence::shared::app_url_from(&db.url),
        1,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..3 {
        let mut r =
            ScopedRead::open(&pool, &scope("Timor-Leste/Atauro")).unwrap_or_else(|e| panic!("{e}"));
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let n: N = kept("SELECT $1::int8 + $2::int8 + $1::int8 AS n")
            .bigint(20)
            .bigint(2)
            .get_result(&mut **r)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(n.n, 42, "a placeholder used twice binds its value twice");
    }
    let mut c = pool.get().unwrap_or_else(|e| panic!("{e}"));
    let statements = prepared(&mut c);
    let count = |needle: &str| statements.iter().filter(|s| s.contains(needle)).count();
    assert_eq!(count("set_config('tasi.scope'"), 1, "{statements:#?}");
    assert_eq!(count("::int8 + "), 1, "{statements:#?}");
}

#[test]
fn the_landings_list_is_prepared_once_per_shape_of_filter() {
    let db = TestDb::new();
    let sample = common::peskaas_sample(30);
    common::import_dir(
        &db,
        &sample.0,
        tasi::adapters::importers::landings::peskaas::SOURCE,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let pool = tasi::adapters::persistence::shared::connect(
        &tasi::adapters::persistence::shared::app_url_from(&db.url),
        1,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let queries = DieselLandingQueries::new(pool.clone());
    let everything = scope("Timor-Leste");
    let first = queries
        .list_landings(&everything, &LandingFilter::default(), Keyset::First, 10)
        .unwrap_or_else(|e| panic!("{e}"));
    let next = first
        .next
        .unwrap_or_else(|| panic!("30 landings fill more than a page"));
    for _ in 0..3 {
        let again = queries
            .list_landings(&everything, &LandingFilter::default(), Keyset::First, 10)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.items.len(), 10);
        let after = queries
            .list_landings(
                &everything,
                &LandingFilter::default(),
                Keyset::After(next),
                10,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after.items.len(), 10);
        assert_ne!(after.items[0].id, again.items[0].id);
    }
    let mut c = pool.get().unwrap_or_else(|e| panic!("{e}"));
    let statements = prepared(&mut c);
    let lists = statements
        .iter()
        .filter(|s| s.contains("\"list_date\"") && s.contains("LIMIT"))
        .count();
    assert_eq!(lists, 2, "the first page and a page after: {statements:#?}");
}
