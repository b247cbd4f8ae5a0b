//! Following a selection into a model's relations: each relation the selection
//! names is one statement for all parents, reading only the columns its part of
//! the selection serializes, plus the keys its own relations and its parent's
//! match need.

use super::SelectModel;
use crate::db::engine::Engine;
use crate::db::error::DbError;
use crate::db::include::{Include, IncludeFuture, assign, load_relation};
use crate::db::model::Model;
use crate::db::relation::{
    Arity, KeyMap, RelationKind, RelationOn, Target, fetch_by_keys, relation_sql_of,
};
use crate::db::session::Session;
use crate::db::sql::push_quoted;
use crate::select::pick_columns;
use crate::select::rt::Pick;
use std::any::TypeId;
use std::collections::HashSet;

/// Which of `M`'s [`Model::COLUMNS`] a level of the selection reads: those
/// `pick` (compiled against `M`) serializes, the key, the keys of the
/// relations it selects, `join` (the column the parent's relation matches
/// rows on, when it is not the key), and every column whose type has no
/// `Default` to stand in for it. Under [`Pick::All`], every column.
pub(crate) fn mask<M: SelectModel<DB>, DB: Engine>(pick: &Pick, join: Option<&str>) -> Vec<bool> {
    let mut columns = if matches!(pick.unconditional(), Pick::All) {
        vec![true; M::COLUMNS.len()]
    } else {
        let wanted = pick_columns(pick);
        let needed: Vec<&str> = M::RELATION_KEYS
            .iter()
            .filter(|(field, _)| !pick.field(field).is_skip())
            .map(|(_, column)| *column)
            .collect();
        M::COLUMNS
            .iter()
            .map(|column| {
                *column == M::KEY_COLUMN
                    || wanted.contains(column)
                    || needed.contains(column)
                    || join == Some(*column)
            })
            .collect()
    };
    M::must_read(&mut columns);
    columns
}

/// `SELECT <the columns of M that mask reads> FROM <M's table>`.
pub(crate) fn select_list<M: Model>(mask: &[bool]) -> String {
    let mut sql = String::from("SELECT ");
    let read = M::COLUMNS.iter().zip(mask).filter(|(_, read)| **read);
    for (position, (column, _)) in read.enumerate() {
        if position > 0 {
            sql.push_str(", ");
        }
        push_quoted(&mut sql, column);
    }
    sql.push_str(" FROM ");
    push_quoted(&mut sql, M::TABLE);
    sql
}

/// Loads relation `R` into `parents` when `pick` selects the field, then
/// follows the field's part of the selection into the related rows.
///
/// When that part reads every column (`*`), the rows come from the session's
/// loader of the relation, as an include's do (and share its cache); otherwise
/// from one statement of their own, since rows missing columns must not reach
/// that cache.
#[doc(hidden)]
pub async fn include_selected<R, DB>(
    session: &Session<DB>,
    parents: &mut [&mut R::Parent],
    pick: &Pick,
    field: &str,
    trail: &[TypeId],
) -> Result<(), DbError>
where
    R: RelationOn<DB, Child: SelectModel<DB>>,
    DB: Engine,
{
    let nested = pick.field(field);
    if nested.is_skip() || parents.is_empty() {
        return Ok(());
    }
    let child = TypeId::of::<R::Child>();
    if matches!(nested.unconditional(), Pick::All) && trail.contains(&child) {
        // `*` names no depth: on a graph that reaches a model again, it
        // stops there, leaving the relation unloaded.
        return Ok(());
    }
    let mut below = Vec::with_capacity(trail.len() + 1);
    below.extend_from_slice(trail);
    below.push(child);
    let join = match R::KIND {
        RelationKind::HasMany { foreign_key } => Some(foreign_key),
        // The key of a `belongs_to` row is always read; a `many_to_many`
        // pairs rows with parents by the join table's column.
        RelationKind::BelongsTo | RelationKind::ManyToMany { .. } => None,
    };
    let columns = mask::<R::Child, DB>(nested, join);
    if columns.iter().all(|read| *read) {
        let following = Following {
            pick: nested,
            trail: &below,
        };
        return load_relation::<R, DB, Following<'_>>(session, parents, &following).await;
    }
    let keys: Vec<R::Key> = parents.iter().map(|parent| R::parent_key(parent)).collect();
    let mut found = fetch_selected::<R, DB>(session, &keys, &columns).await?;
    let mut rows: Vec<&mut R::Child> = found
        .values_mut()
        .flat_map(|target| R::Arity::rows_mut(target).iter_mut())
        .collect();
    if !rows.is_empty() {
        R::Child::include_selected(session, &mut rows, nested, &below).await?;
    }
    assign::<R, _>(parents, &keys, found)
}

/// The rows of relation `R` for `keys`, each with the columns of `columns`:
/// one statement (more only past the engine's bind limit).
async fn fetch_selected<R, DB>(
    session: &Session<DB>,
    keys: &[R::Key],
    columns: &[bool],
) -> Result<KeyMap<R::Key, Target<R>>, DbError>
where
    R: RelationOn<DB, Child: SelectModel<DB>>,
    DB: Engine,
{
    let mut seen = HashSet::with_capacity(keys.len());
    let unique: Vec<R::Key> = keys
        .iter()
        .filter(|key| seen.insert(*key))
        .cloned()
        .collect();
    let listed: Vec<&str> = R::Child::COLUMNS
        .iter()
        .zip(columns)
        .filter_map(|(column, read)| read.then_some(*column))
        .collect();
    let select = select_list::<R::Child>(columns);
    let fetching = fetch_by_keys::<DB, R::Key>(session.pool(), &unique, |count| {
        relation_sql_of::<R, DB>(&select, &listed, count)
    });
    let rows = session.within_deadline(fetching).await?;
    let joined = matches!(R::KIND, RelationKind::ManyToMany { .. });
    let mut pairs = Vec::with_capacity(rows.len());
    for row in &rows {
        if joined {
            let key = DB::get::<R::Key>(row, 0)?;
            pairs.push((key, R::Child::from_columns(row, 1, columns)?));
        } else {
            let child = R::Child::from_columns(row, 0, columns)?;
            let key = R::child_key(&child).expect("belongs_to and has_many rows carry their key");
            pairs.push((key, child));
        }
    }
    Ok(R::Arity::assemble(&unique, pairs))
}

/// The part of a selection below a relation, as an include of its rows.
struct Following<'a> {
    pick: &'a Pick,
    trail: &'a [TypeId],
}

impl<M: SelectModel<DB>, DB: Engine> Include<M, DB> for Following<'_> {
    fn load<'a, 'p: 'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut M],
    ) -> IncludeFuture<'a> {
        M::include_selected(session, parents, self.pick, self.trail)
    }
}
