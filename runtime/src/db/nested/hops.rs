//! SQLite's nested loads of every row (`all()`): each hop's plain statement,
//! stepped on the caller's thread one after the other, its rows read straight
//! into the models, the children then put under their parents.
//!
//! Diesel's way, on sqlx's connection. The JSON document (`sql::json`) moves
//! the tree in one row per root row, but SQLite building it (a sorted aggregate
//! per parent, the text of every value) costs more than reading the same rows
//! plainly; once the rows no longer cross sqlx's channel one by one
//! (`nested::sqlite`), the plain statements are the cheaper way. Each hop's
//! statement is per-hop batching's (`WHERE "post_id" IN (?, ?, …)`), its keys
//! the parents' column values as SQLite gave them (sorted, deduplicated), bound
//! back as they were read (the list padded with unbound parameters to a power
//! of two, so that the connection keeps a few statements prepared): naming the
//! parents by their statement instead, as concurrent hops do, made SQLite read
//! the parents' rows again inside every child's statement (the comments'
//! authors of the blog, 0.23 ms against 0.04 ms bound). The statements run in
//! one read transaction, so the tree is the database as of one moment, as the
//! one statement's was. Each row is decoded by the model's
//! [`decode_columns`](super::NestedRow::decode_columns) from the row's columns
//! (`nested::stepped`), as from a nested load's arrays.

use super::connection::HopRows;
use super::engine::NestedFuture;
use super::sqlite::{Step, on_caller_thread};
use super::stepped::{KeyValue, Stepper};
use super::{JsonColumn, NestedInclude, NestedRelation, NestedRow, next_column};
use crate::db::engine::Engine;
use crate::db::error::DbError;
use crate::db::model::Model;
use crate::db::relation::{RelationKind, RelationOn, relation_sql_of};
use crate::db::session::Session;
use crate::db::sql::{Dialect, Node};
use std::collections::HashSet;
use std::ffi::c_int;
use std::panic::Location;

/// Every row of `M` with the relations of `I`, within the session's deadline.
pub(super) fn load_all<'a, M, I>(
    session: &'a Session<sqlx::Sqlite>,
    location: &'static Location<'static>,
) -> NestedFuture<'a, Vec<M>>
where
    M: NestedRow<sqlx::Sqlite>,
    I: NestedInclude<M, sqlx::Sqlite>,
{
    Box::pin(async move {
        let loading = async {
            let stepping = on_caller_thread(
                session.pool(),
                session.timeout(),
                !I::NOTHING,
                location,
                step_all::<M, I>,
            );
            Ok::<_, sqlx::Error>(stepping.await)
        };
        let (mut models, hops) = session.within_deadline(loading).await??;
        if !I::NOTHING {
            let mut parents: Vec<&mut M> = models.iter_mut().collect();
            I::assign_hops(&mut parents, hops)?;
        }
        Ok(models)
    })
}

fn step_all<M, I>(stepper: &mut Stepper) -> Result<(Vec<M>, I::Hops), Step>
where
    M: NestedRow<sqlx::Sqlite>,
    I: NestedInclude<M, sqlx::Sqlite>,
{
    let select = <sqlx::Sqlite as Engine>::statements::<M>().select_all;
    let mut keep = keep::<I, M, sqlx::Sqlite>(M::COLUMNS, 0)?;
    let mut models = Vec::new();
    stepper.rows(select, &[], M::TABLE, &mut keep, &mut models, |columns| {
        M::decode_columns(columns)
    })?;
    let hops = I::step_hops(stepper, &Parents::new(M::COLUMNS, 0, keep))?;
    Ok((models, hops))
}

/// The parents of a hop: the values of their columns that their relations
/// match on, each column's sorted and deduplicated.
#[doc(hidden)]
pub struct Parents {
    columns: Vec<(&'static str, Vec<KeyValue>)>,
}

impl Parents {
    fn new(
        names: &'static [&'static str],
        offset: c_int,
        kept: Vec<(c_int, Vec<KeyValue>)>,
    ) -> Self {
        let columns = kept
            .into_iter()
            .filter_map(|(index, values)| {
                let name = usize::try_from(index - offset)
                    .ok()
                    .and_then(|at| names.get(at))?;
                Some((*name, distinct(values)))
            })
            .collect();
        Self { columns }
    }

    fn keys(&self, column: &str) -> &[KeyValue] {
        self.columns
            .iter()
            .find(|(name, _)| *name == column)
            .map_or(&[], |(_, values)| values)
    }
}

/// `values` sorted, each once. Most repeat (a thousand comments, forty
/// authors): a hash set first, so that only the distinct ones are sorted.
fn distinct(values: Vec<KeyValue>) -> Vec<KeyValue> {
    let set: HashSet<KeyValue, foldhash::fast::RandomState> = values.into_iter().collect();
    let mut values: Vec<KeyValue> = set.into_iter().collect();
    values.sort_unstable();
    values
}

/// The columns of a parent's rows (`columns`, from index `offset` of its
/// statement's) to keep for the relations of `I`.
fn keep<I, P, DB>(
    columns: &'static [&'static str],
    offset: c_int,
) -> Result<Vec<(c_int, Vec<KeyValue>)>, Step>
where
    I: NestedInclude<P, DB>,
    DB: Engine,
{
    let mut nodes: Vec<Node> = Vec::new();
    I::plan(&mut nodes);
    let mut keep: Vec<(c_int, Vec<KeyValue>)> = Vec::with_capacity(nodes.len());
    for node in &nodes {
        let position = columns
            .iter()
            .position(|column| *column == node.parent_column)
            .and_then(|at| c_int::try_from(at).ok())
            .ok_or_else(|| {
                Step::Failed(DbError::Sqlx(std::sync::Arc::new(
                    sqlx::Error::ColumnNotFound(node.parent_column.to_owned()),
                )))
            })?;
        let index = position + offset;
        if !keep.iter().any(|(kept, _)| *kept == index) {
            keep.push((index, Vec::new()));
        }
    }
    Ok(keep)
}

/// Steps relation `R`'s statement for `parents`' keys (as many statements as
/// SQLite's bind limit asks; none without keys), then its own hops'.
pub(super) fn step_hop<R, I, DB>(
    stepper: &mut Stepper,
    parents: &Parents,
) -> Result<HopRows<R, I::Hops>, Step>
where
    R: NestedRelation + RelationOn<DB>,
    R::Child: NestedRow<DB>,
    R::Key: JsonColumn<DB>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
{
    let columns = <R::Child as Model>::COLUMNS;
    let select = DB::statements::<R::Child>().select;
    // A `many_to_many` row starts with the parent's key, from the join table.
    let joined = matches!(R::KIND, RelationKind::ManyToMany { .. });
    let offset = c_int::from(joined);
    let mut keep = keep::<I, R::Child, DB>(columns, offset)?;
    let keys = parents.keys(R::PARENT_COLUMN);
    let mut rows = Vec::new();
    let chunks = Dialect::Sqlite.key_chunks(keys);
    let statements = chunks.len();
    for chunk in chunks {
        let sql = relation_sql_of::<R, DB>(select, columns, padded(chunk.len()));
        stepper.rows(
            &sql,
            chunk,
            <R::Child as Model>::TABLE,
            &mut keep,
            &mut rows,
            |columns| {
                if joined {
                    let key = next_column::<DB, R::Key, _>(columns)?;
                    Ok((key, R::Child::decode_columns(columns)?))
                } else {
                    let child = R::Child::decode_columns(columns)?;
                    let key =
                        R::child_key(&child).expect("belongs_to and has_many rows carry their key");
                    Ok((key, child))
                }
            },
        )?;
    }
    crate::trace::relation_statements(R::NAME, keys.len(), statements, rows.len());
    let nested = I::step_hops(stepper, &Parents::new(columns, offset, keep))?;
    Ok(HopRows { rows, nested })
}

/// How many parameters a hop's `IN` list of `keys` keys has: the next power
/// of two (within SQLite's limit), the parameters past the keys left unbound,
/// which SQLite reads as NULL and no key equals. A relation then has a few
/// statement texts, which a connection keeps prepared (`nested::kept`),
/// rather than one per number of keys.
fn padded(keys: usize) -> usize {
    keys.next_power_of_two()
        .min(Dialect::Sqlite.keys_per_statement())
}
