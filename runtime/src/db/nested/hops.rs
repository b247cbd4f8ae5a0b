//! SQLite's nested loads of every row (`all()`): each hop's plain statement,
//! stepped on the caller's thread one after the other, its rows read straight
//! into the models, the children then put under their parents.
//!
//! Diesel's way, on sqlx's connection. The JSON document (`sql::json`) moves
//! the tree in one row per root row, but SQLite building it (a sorted
//! aggregate per parent, the text of every value) costs more than reading the
//! same rows plainly; once the rows no longer cross sqlx's channel one by one
//! (`nested::sqlite`), the plain statements are the cheaper way. They are the
//! statements of concurrent hops (`sql::hops`): each names its parents by
//! their statement, as a subquery, so no keys are bound between hops. They
//! run in one read transaction, so the tree is the database as of one moment,
//! as the one statement's was. Each row is decoded by the model's
//! [`decode_columns`](super::NestedRow::decode_columns) from the row's
//! columns (`nested::stepped`), as from a nested load's arrays.

use super::engine::DocumentFuture;
use super::sqlite::{Step, on_caller_thread};
use super::stepped::Stepper;
use super::{JsonColumn, NestedInclude, NestedRelation, NestedRow, next_column};
use crate::db::engine::Engine;
use crate::db::error::DbError;
use crate::db::include::assign;
use crate::db::model::Model;
use crate::db::relation::{Arity, Relation, RelationKind, RelationOn};
use crate::db::session::Session;
use crate::db::sql::{self, Dialect, Hop};
use std::collections::HashMap;
use std::panic::Location;

/// A hop's rows, each with the key it is found under, and its hops' rows.
#[doc(hidden)]
pub struct HopRows<R: Relation, N> {
    rows: Vec<(R::Key, R::Child)>,
    nested: N,
}

/// Every row of `M` with the relations of `I`, within the session's deadline.
pub(super) fn load_all<'a, M, I>(
    session: &'a Session<sqlx::Sqlite>,
    location: &'static Location<'static>,
) -> DocumentFuture<'a, Vec<M>>
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
    let models = stepper.rows(select, M::TABLE, |columns| M::decode_columns(columns))?;
    let set = sql::root_set(Dialect::Sqlite, M::TABLE, M::KEY_COLUMN, None);
    let hops = I::step_hops(stepper, &set)?;
    Ok((models, hops))
}

/// Steps relation `R`'s statement for the parents `parents` names (the body
/// of a `FROM`, see `sql::hops`), then its own hops'.
pub(super) fn step_hop<R, I, DB>(
    stepper: &mut Stepper,
    parents: &str,
) -> Result<HopRows<R, I::Hops>, Step>
where
    R: NestedRelation + RelationOn<DB>,
    R::Child: NestedRow<DB>,
    R::Key: JsonColumn<DB>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
{
    let (statement, set) = sql::hop(
        parents,
        &Hop {
            kind: R::KIND,
            parent_column: R::PARENT_COLUMN,
            table: <R::Child as Model>::TABLE,
            key: <R::Child as Model>::KEY_COLUMN,
            columns: <R::Child as Model>::COLUMNS,
            select: DB::statements::<R::Child>().select,
        },
    );
    // A `many_to_many` row starts with the parent's key, from the join table.
    let joined = matches!(R::KIND, RelationKind::ManyToMany { .. });
    let rows = stepper.rows(&statement, <R::Child as Model>::TABLE, |columns| {
        if joined {
            let key = next_column::<DB, R::Key, _>(columns)?;
            Ok((key, R::Child::decode_columns(columns)?))
        } else {
            let child = R::Child::decode_columns(columns)?;
            let key = R::child_key(&child).expect("belongs_to and has_many rows carry their key");
            Ok((key, child))
        }
    })?;
    // No keys: the parents are named by their statement.
    crate::trace::relation_statements(R::NAME, 0, 1, rows.len());
    let nested = I::step_hops(stepper, &set)?;
    Ok(HopRows { rows, nested })
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
    let keys: Vec<R::Key> = parents.iter().map(|parent| R::parent_key(parent)).collect();
    let found: HashMap<R::Key, _> = R::Arity::assemble(&keys, rows);
    assign::<R>(parents, &keys, found)
}
