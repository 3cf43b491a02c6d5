//! Raw SQL that PostgreSQL keeps prepared.
//!
//! diesel's `sql_query` is never cached as a prepared statement (its text could be anything),
//! so PostgreSQL parses, analyses and plans it again on every call. On the pages every
//! request runs (a session load, a scope set at the start of each transaction, a list
//! page's query) that work was about half of the database's time under load. A
//! [`KeptQuery`] has a fixed (`'static`) text with `$1, $2, …` placeholders and typed binds:
//! diesel prepares it once per connection and caches it under its text and bind types, and
//! PostgreSQL settles on a generic plan after a few runs.
//!
//! Only fixed texts may be kept: every value goes in a bind, never into the text, so the
//! number of kept statements is the number of texts in the code.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use std::marker::PhantomData;

use diesel::expression::{
    AppearsOnTable, Expression, SelectableExpression, TypedExpressionType, ValidGrouping,
    is_aggregate,
};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Bool, Date, Integer, Nullable, Text, Timestamptz, Untyped};
use diesel::{QueryResult, RunQueryDsl};
use uuid::Uuid;

/// One bind value with its SQL type.
#[derive(Debug, Clone)]
#[doc(hidden)]
pub enum Bind {
    Text(String),
    NullableText(Option<String>),
    TextArray(Vec<String>),
    Uuid(Uuid),
    BigInt(i64),
    Integer(i32),
    Bool(bool),
    Date(NaiveDate),
    NullableDate(Option<NaiveDate>),
    Timestamptz(DateTime<Utc>),
}

/// A fixed SQL text with its binds, walked by [`KeptQuery`] and [`KeptSql`].
#[derive(Debug, Clone)]
struct Fixed {
    sql: &'static str,
    binds: Vec<Bind>,
}

/// A raw SQL statement of fixed text, kept prepared on each connection (see the module).
/// Build it with [`kept`] and the [`Binds`] methods, in the order of the placeholders; load
/// rows with `QueryableByName` types as with `sql_query`.
#[derive(Debug, Clone)]
#[must_use]
pub struct KeptQuery(Fixed);

/// A statement of fixed text `sql` with placeholders `$1 … $n` (numbered in the order the
/// binds are added; a placeholder may appear more than once).
pub fn kept(sql: &'static str) -> KeptQuery {
    KeptQuery(Fixed {
        sql,
        binds: Vec::new(),
    })
}

/// An SQL expression of fixed text and type `ST`, for a part of a query built with diesel's
/// query builder that the builder cannot say (e.g. `LIKE ANY`): unlike `diesel::dsl::sql`,
/// it leaves the query cacheable. Its placeholders `$1 … $n` count its own binds only.
#[derive(Debug, Clone)]
#[must_use]
pub struct KeptSql<ST>(Fixed, PhantomData<ST>);

/// An expression of fixed text `sql` and type `ST` (see [`KeptSql`]).
pub fn kept_sql<ST>(sql: &'static str) -> KeptSql<ST> {
    KeptSql(
        Fixed {
            sql,
            binds: Vec::new(),
        },
        PhantomData,
    )
}

/// Adding binds, in the order of the placeholders.
pub trait Binds: Sized {
    #[doc(hidden)]
    fn with(self, b: Bind) -> Self;
    /// Binds a `text`.
    fn text(self, v: impl Into<String>) -> Self {
        self.with(Bind::Text(v.into()))
    }
    /// Binds a `text` that may be NULL.
    fn nullable_text(self, v: Option<String>) -> Self {
        self.with(Bind::NullableText(v))
    }
    /// Binds a `text[]`.
    fn text_array(self, v: Vec<String>) -> Self {
        self.with(Bind::TextArray(v))
    }
    /// Binds a `uuid`.
    fn uuid(self, v: Uuid) -> Self {
        self.with(Bind::Uuid(v))
    }
    /// Binds a `bigint`.
    fn bigint(self, v: i64) -> Self {
        self.with(Bind::BigInt(v))
    }
    /// Binds an `integer`.
    fn integer(self, v: i32) -> Self {
        self.with(Bind::Integer(v))
    }
    /// Binds a `boolean`.
    fn bool(self, v: bool) -> Self {
        self.with(Bind::Bool(v))
    }
    /// Binds a `date`.
    fn date(self, v: NaiveDate) -> Self {
        self.with(Bind::Date(v))
    }
    /// Binds a `date` that may be NULL.
    fn nullable_date(self, v: Option<NaiveDate>) -> Self {
        self.with(Bind::NullableDate(v))
    }
    /// Binds a `timestamptz`.
    fn timestamptz(self, v: DateTime<Utc>) -> Self {
        self.with(Bind::Timestamptz(v))
    }
}

impl Binds for KeptQuery {
    fn with(mut self, b: Bind) -> Self {
        self.0.binds.push(b);
        self
    }
}

impl<ST> Binds for KeptSql<ST> {
    fn with(mut self, b: Bind) -> Self {
        self.0.binds.push(b);
        self
    }
}

/// The pieces of `sql` between placeholders, and the bind number (1-based) after each piece
/// but the last. `$` not followed by a digit (e.g. `$$` or a dollar-quoted tag) is text.
fn pieces(sql: &str) -> Vec<(&str, Option<usize>)> {
    let mut out = Vec::new();
    let bytes = sql.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b'$' && i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            let n = sql[i + 1..j].parse::<usize>().ok();
            out.push((&sql[start..i], n));
            start = j;
            i = j;
        } else {
            i += 1;
        }
    }
    out.push((&sql[start..], None));
    out
}

impl Fixed {
    fn walk<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // diesel numbers each bind as it is pushed, so a placeholder used twice, or out of
        // order, pushes its value again at that place.
        for (text, n) in pieces(self.sql) {
            out.push_sql(text);
            let Some(n) = n else { continue };
            let Some(b) = n.checked_sub(1).and_then(|i| self.binds.get(i)) else {
                return Err(diesel::result::Error::QueryBuilderError(
                    format!("placeholder ${n} has no bind").into(),
                ));
            };
            match b {
                Bind::Text(v) => out.push_bind_param::<Text, _>(v)?,
                Bind::NullableText(v) => out.push_bind_param::<Nullable<Text>, _>(v)?,
                Bind::TextArray(v) => out.push_bind_param::<Array<Text>, _>(v)?,
                Bind::Uuid(v) => out.push_bind_param::<diesel::sql_types::Uuid, _>(v)?,
                Bind::BigInt(v) => out.push_bind_param::<BigInt, _>(v)?,
                Bind::Integer(v) => out.push_bind_param::<Integer, _>(v)?,
                Bind::Bool(v) => out.push_bind_param::<Bool, _>(v)?,
                Bind::Date(v) => out.push_bind_param::<Date, _>(v)?,
                Bind::NullableDate(v) => out.push_bind_param::<Nullable<Date>, _>(v)?,
                Bind::Timestamptz(v) => out.push_bind_param::<Timestamptz, _>(v)?,
            }
        }
        Ok(())
    }
}

impl QueryFragment<Pg> for KeptQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk(&mut out)
    }
}

impl QueryId for KeptQuery {
    // No static id: diesel caches the statement under its SQL text and bind types.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for KeptQuery {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for KeptQuery {}

impl<ST> QueryFragment<Pg> for KeptSql<ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk(&mut out)
    }
}

impl<ST> QueryId for KeptSql<ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST: TypedExpressionType> Expression for KeptSql<ST> {
    type SqlType = ST;
}

impl<ST, QS> AppearsOnTable<QS> for KeptSql<ST> where Self: Expression {}

impl<ST, QS> SelectableExpression<QS> for KeptSql<ST> where Self: AppearsOnTable<QS> {}

impl<ST, GB> ValidGrouping<GB> for KeptSql<ST> {
    type IsAggregate = is_aggregate::Never;
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn placeholders_split_the_text() {
        assert_eq!(
            pieces("SELECT $1, $2 WHERE x = $10"),
            vec![
                ("SELECT ", Some(1)),
                (", ", Some(2)),
                (" WHERE x = ", Some(10)),
                ("", None)
            ]
        );
        assert_eq!(
            pieces("SELECT '$$' || $a"),
            vec![("SELECT '$$' || $a", None)]
        );
    }
}
