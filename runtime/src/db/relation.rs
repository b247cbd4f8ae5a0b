//! Relations between models, and the batch functions that load them: one
//! statement per batch of keys (more only past the engine's bind limit).

use super::detect::{self, Scope};
use super::engine::{Engine, KeyColumn};
use super::model::{Model, ModelRow};
use super::related::Related;
use super::sql::{self, ManyToMany};
use crate::batch::BatchFn;
use sqlx::Pool;
use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;

/// A relation field of a model, implemented by `#[derive(Model)]` on a
/// zero-sized type per relation (`Post::AUTHOR` is a `PostAuthorRelation`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation",
    note = "relations are the constants `#[derive(Model)]` generates for relation fields, such as `Post::AUTHOR`"
)]
pub trait Relation: Copy + Send + Sync + 'static {
    /// The model holding the relation field.
    type Parent: Model;
    /// The related model.
    type Child: Model;
    /// What the relation's batches are keyed by: the foreign key for
    /// `belongs_to`, the parent's key otherwise.
    type Key: Hash + Eq + Clone + Send + Sync + 'static;
    /// One related row (`belongs_to`) or many.
    type Arity: Arity<Self::Child>;
    /// `Model.field`, for messages.
    const NAME: &'static str;
    /// How the related rows are found.
    const KIND: RelationKind;

    /// The key the parent's related rows are found by.
    fn parent_key(parent: &Self::Parent) -> Self::Key;

    /// The key a fetched row belongs under: its primary key (`belongs_to`), its
    /// foreign key (`has_many`); `None` for `many_to_many`, whose statement
    /// selects the key from the join table.
    fn child_key(child: &Self::Child) -> Option<Self::Key>;

    /// The relation field.
    fn related(parent: &Self::Parent) -> &Related<Target<Self>>;

    /// The relation field, mutably.
    fn related_mut(parent: &mut Self::Parent) -> &mut Related<Target<Self>>;
}

/// What a relation field holds: `Author` or `Vec<Comment>`.
pub type Target<R> = <<R as Relation>::Arity as Arity<<R as Relation>::Child>>::Target;

/// Rows by the key they are found under, while a load puts them under their
/// parents. Hashed with a per-process seed (foldhash, as the runtime's other
/// in-memory maps): the keys are column values a client may have chosen, and
/// std's SipHash was 6 % of a PostgreSQL blog load's client time.
#[doc(hidden)]
pub type KeyMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A [`Relation`] whose rows load on engine `DB`.
pub trait RelationOn<DB: Engine>: Relation<Key: KeyColumn<DB>, Child: ModelRow<DB>> {}

impl<DB: Engine, R: Relation<Key: KeyColumn<DB>, Child: ModelRow<DB>>> RelationOn<DB> for R {}

/// How a relation's rows are found: the three relations of `#[derive(Model)]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationKind {
    /// The parent's foreign key is the child's primary key.
    BelongsTo,
    /// The child's `foreign_key` column holds the parent's key.
    HasMany {
        /// The child's column.
        foreign_key: &'static str,
    },
    /// Rows of the `through` table pair the parent's key (`local`) with the
    /// child's (`remote`).
    ManyToMany {
        /// The join table.
        through: &'static str,
        /// The join table's column holding the parent's key.
        local: &'static str,
        /// The join table's column holding the child's key.
        remote: &'static str,
    },
}

/// One related row or many.
pub trait Arity<C>: Send + Sync + 'static {
    /// What the relation field holds.
    type Target: Clone + Send + Sync + 'static;
    /// Whether a parent without rows gets an empty `Vec` rather than an error.
    const TO_MANY: bool;

    /// The targets of `keys` from the fetched `(key, row)` pairs, in order.
    fn assemble<K: Hash + Eq + Clone>(keys: &[K], rows: Vec<(K, C)>) -> KeyMap<K, Self::Target>;

    /// The rows a target holds.
    fn rows_mut(target: &mut Self::Target) -> &mut [C];
}

/// `belongs_to`: the field holds the row.
#[derive(Clone, Copy, Debug)]
pub struct One;

/// `has_many`, `many_to_many`: the field holds a `Vec` of rows, ordered by key.
#[derive(Clone, Copy, Debug)]
pub struct Many;

impl<C: Clone + Send + Sync + 'static> Arity<C> for One {
    type Target = C;
    const TO_MANY: bool = false;

    fn assemble<K: Hash + Eq + Clone>(_keys: &[K], rows: Vec<(K, C)>) -> KeyMap<K, C> {
        rows.into_iter().collect()
    }

    fn rows_mut(target: &mut C) -> &mut [C] {
        std::slice::from_mut(target)
    }
}

impl<C: Clone + Send + Sync + 'static> Arity<C> for Many {
    type Target = Vec<C>;
    const TO_MANY: bool = true;

    fn assemble<K: Hash + Eq + Clone>(keys: &[K], rows: Vec<(K, C)>) -> KeyMap<K, Vec<C>> {
        let mut grouped: KeyMap<K, Vec<C>> =
            keys.iter().map(|key| (key.clone(), Vec::new())).collect();
        for (key, row) in rows {
            grouped.entry(key).or_default().push(row);
        }
        grouped
    }

    fn rows_mut(target: &mut Vec<C>) -> &mut [C] {
        target
    }
}

/// The batch function of a relation's loader.
pub(crate) struct RelationFetch<R, DB: Engine> {
    pool: Pool<DB>,
    /// The session's detector scope: batches run in their own tasks.
    scope: Option<Scope>,
    relation: PhantomData<fn() -> R>,
}

impl<R, DB: Engine> RelationFetch<R, DB> {
    pub(crate) fn new(pool: Pool<DB>, scope: Option<Scope>) -> Self {
        Self {
            pool,
            scope,
            relation: PhantomData,
        }
    }
}

impl<R: RelationOn<DB>, DB: Engine> BatchFn for RelationFetch<R, DB> {
    type Key = R::Key;
    type Value = Target<R>;
    type Error = sqlx::Error;
    type Map = KeyMap<R::Key, Target<R>>;

    async fn load(&self, keys: &[R::Key]) -> Result<Self::Map, sqlx::Error> {
        let fetching = fetch_by_keys::<DB, R::Key>(&self.pool, keys, relation_sql::<R, DB>);
        let rows = detect::within(self.scope.as_ref(), fetching).await?;
        let statements = DB::DIALECT.key_chunks(keys).len();
        crate::trace::relation_statements(R::NAME, keys.len(), statements, rows.len());
        let pairs = rows
            .iter()
            .map(relation_row::<R, DB>)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(R::Arity::assemble(keys, pairs))
    }
}

/// The batch function of a model's loader by primary key.
pub(crate) struct KeyFetch<M, DB: Engine> {
    pool: Pool<DB>,
    scope: Option<Scope>,
    model: PhantomData<fn() -> M>,
}

impl<M, DB: Engine> KeyFetch<M, DB> {
    pub(crate) fn new(pool: Pool<DB>, scope: Option<Scope>) -> Self {
        Self {
            pool,
            scope,
            model: PhantomData,
        }
    }
}

impl<M: ModelRow<DB>, DB: Engine> BatchFn for KeyFetch<M, DB> {
    type Key = M::Key;
    type Value = M;
    type Error = sqlx::Error;
    type Map = KeyMap<M::Key, M>;

    async fn load(&self, keys: &[M::Key]) -> Result<Self::Map, sqlx::Error> {
        let fetching = fetch_by_keys::<DB, M::Key>(&self.pool, keys, |count| {
            sql::select_where_in(
                DB::DIALECT,
                DB::statements::<M>().select,
                M::KEY_COLUMN,
                count,
                M::KEY_COLUMN,
            )
        });
        let rows = detect::within(self.scope.as_ref(), fetching).await?;
        rows.iter()
            .map(|row| {
                let model = M::from_row(row, 0)?;
                Ok((model.key(), model))
            })
            .collect()
    }
}

/// Runs the statement `sql_for(n)` over `keys`, `n` keys at a time: all of them
/// unless the engine's bind limit splits them.
pub(crate) async fn fetch_by_keys<DB: Engine, K: KeyColumn<DB>>(
    pool: &Pool<DB>,
    keys: &[K],
    sql_for: impl Fn(usize) -> String,
) -> Result<Vec<DB::Row>, sqlx::Error> {
    let mut rows = Vec::new();
    for chunk in DB::DIALECT.key_chunks(keys) {
        let sql = sql_for(chunk.len());
        let mut arguments = <DB::Arguments<'_>>::default();
        K::add_keys(&mut arguments, chunk).map_err(sqlx::Error::Encode)?;
        rows.extend(DB::fetch_all(pool, &sql, arguments).await?);
    }
    Ok(rows)
}

/// A row of relation `R`'s statement ([`relation_sql`]): the child, and the
/// parent key it is found under (the join table's first column for a
/// `many_to_many`, the child's own column otherwise).
pub(crate) fn relation_row<R: RelationOn<DB>, DB: Engine>(
    row: &DB::Row,
) -> Result<(R::Key, R::Child), sqlx::Error> {
    if matches!(R::KIND, RelationKind::ManyToMany { .. }) {
        let key = DB::get::<R::Key>(row, 0)?;
        Ok((key, R::Child::from_row(row, 1)?))
    } else {
        let child = R::Child::from_row(row, 0)?;
        let key = R::child_key(&child).expect("belongs_to and has_many rows carry their key");
        Ok((key, child))
    }
}

/// The statement loading relation `R` for `count` keys.
pub(crate) fn relation_sql<R: Relation, DB: Engine>(count: usize) -> String {
    let select = DB::statements::<R::Child>().select;
    relation_sql_of::<R, DB>(select, R::Child::COLUMNS, count)
}

/// The statement loading `columns` of relation `R`'s rows for `count` keys;
/// `select` is `SELECT <columns> FROM <the child's table>`.
pub(crate) fn relation_sql_of<R: Relation, DB: Engine>(
    select: &str,
    columns: &[&str],
    count: usize,
) -> String {
    let key = R::Child::KEY_COLUMN;
    match R::KIND {
        RelationKind::BelongsTo => sql::select_where_in(DB::DIALECT, select, key, count, key),
        RelationKind::HasMany { foreign_key } => {
            sql::select_where_in(DB::DIALECT, select, foreign_key, count, key)
        }
        RelationKind::ManyToMany {
            through,
            local,
            remote,
        } => sql::many_to_many(
            DB::DIALECT,
            &ManyToMany {
                table: R::Child::TABLE,
                key,
                columns,
                through,
                local,
                remote,
            },
            count,
        ),
    }
}
