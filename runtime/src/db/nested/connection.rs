//! Nested loads of every row (`all()`) on an engine whose rows come over a
//! socket (PostgreSQL): each hop's plain statement, one after the other, on
//! one connection taken from the pool once; and the hops' rows put under their
//! parents, as SQLite's stepped hops (`nested::hops`) are.
//!
//! On the blog (depth 3) the JSON document took PostgreSQL 2.0× the time of
//! hand-written batching: aggregating each parent's children and repeating
//! the parents' statement inside every child's costs the server more than
//! sending the plain rows. Per-hop batching ([`Query::all`](crate::db::Query::all))
//! sends the plain statements, but each through the session's loaders and the
//! pool, and sqlx's pool checks a connection with a round trip each time it
//! hands one out (`test_before_acquire`, its default): four hops, four checks.
//! Here the connection is taken once, and each hop's statement binds its
//! parents' keys (`= ANY($1)`, the keys as one array) as per-hop batching's
//! does: what one writes by hand when one knows the pool's cost.
//!
//! Each statement sees the database as of its own start, as per-hop
//! batching's do: a snapshot would cost two more round trips (`BEGIN` and
//! `COMMIT`); [`one_statement`](super::NestedQuery::one_statement) is one.

use super::engine::NestedFuture;
use super::{NestedEngine, NestedInclude, NestedRelation, NestedRow};
use crate::db::engine::{Engine, KeyColumn};
use crate::db::error::DbError;
use crate::db::include::assign_rows;
use crate::db::relation::{Relation, RelationOn, relation_row, relation_sql};
use crate::db::session::Session;
use std::collections::HashSet;

/// A hop's rows, each with the key it is found under, and its hops' rows.
#[doc(hidden)]
pub struct HopRows<R: Relation, N> {
    pub(super) rows: Vec<(R::Key, R::Child)>,
    pub(super) nested: N,
}

/// Every row of `M` with the relations of `I`, on one connection, within the
/// session's deadline.
pub(super) fn load_all<'a, M, I, DB>(session: &'a Session<DB>) -> NestedFuture<'a, Vec<M>>
where
    M: NestedRow<DB>,
    I: NestedInclude<M, DB>,
    DB: NestedEngine,
{
    Box::pin(async move {
        let loading = async {
            // Declared first: the statement's future borrows it and the
            // connection for one lifetime, so it must outlive the connection.
            let mut models = Vec::new();
            let mut connection = session.pool().acquire().await?;
            let select = DB::statements::<M>().select_all;
            let arguments = <DB::Arguments<'_>>::default();
            let each = |row: DB::Row| {
                models.push(M::from_row(&row, 0)?);
                Ok(())
            };
            DB::fetch_each_on(&mut connection, select, arguments, each).await?;
            let parents: Vec<&M> = models.iter().collect();
            let hops = I::fetch_hops(&mut connection, &parents).await;
            Ok::<_, sqlx::Error>(hops.map(|hops| (models, hops)))
        };
        let (mut models, hops) = session.within_deadline(loading).await??;
        if !I::NOTHING {
            let mut parents: Vec<&mut M> = models.iter_mut().collect();
            I::assign_hops(&mut parents, hops)?;
        }
        Ok(models)
    })
}

/// Runs relation `R`'s statement on `connection` for `parents`' keys (as many
/// statements as the engine's bind limit asks; none without keys), then its
/// own hops'.
pub(super) fn fetch_hop<'a, R, I, DB>(
    connection: &'a mut DB::Connection,
    parents: &'a [&'a R::Parent],
) -> NestedFuture<'a, HopRows<R, I::Hops>>
where
    R: NestedRelation + RelationOn<DB>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
{
    Box::pin(async move {
        let keys = distinct::<R>(parents);
        let chunks = DB::DIALECT.key_chunks(&keys);
        let statements = chunks.len();
        let mut rows = Vec::new();
        for chunk in chunks {
            let sql = relation_sql::<R, DB>(chunk.len());
            let mut arguments = <DB::Arguments<'_>>::default();
            R::Key::add_keys(&mut arguments, chunk).map_err(sqlx::Error::Encode)?;
            let each = |row: DB::Row| {
                rows.push(relation_row::<R, DB>(&row)?);
                Ok(())
            };
            DB::fetch_each_on(connection, &sql, arguments, each).await?;
        }
        crate::trace::relation_statements(R::NAME, keys.len(), statements, rows.len());
        let nested = if I::NOTHING {
            I::fetch_hops(connection, &[]).await?
        } else {
            let children: Vec<&R::Child> = rows.iter().map(|(_, child)| child).collect();
            I::fetch_hops(connection, &children).await?
        };
        Ok(HopRows { rows, nested })
    })
}

/// The keys `parents` are matched on, each once, in the order first met.
fn distinct<R: Relation>(parents: &[&R::Parent]) -> Vec<R::Key> {
    let mut seen: HashSet<R::Key, foldhash::fast::RandomState> = HashSet::default();
    parents
        .iter()
        .map(|parent| R::parent_key(parent))
        .filter(|key| seen.insert(key.clone()))
        .collect()
}

/// Puts the rows of `hop` under `parents`, after its own hops' rows under
/// them.
///
/// # Errors
///
/// When a `belongs_to` row is missing.
pub(super) fn assign_hop<R, I, DB>(
    parents: &mut [&mut R::Parent],
    hop: HopRows<R, I::Hops>,
) -> Result<(), DbError>
where
    R: NestedRelation + RelationOn<DB>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
{
    let HopRows { mut rows, nested } = hop;
    if !I::NOTHING {
        let mut children: Vec<&mut R::Child> = rows.iter_mut().map(|(_, child)| child).collect();
        I::assign_hops(&mut children, nested)?;
    }
    assign_rows::<R>(parents, rows)
}
