//! Nested loading: the rows of a query and every relation it includes, as deep
//! as it nests, on one connection, without the session's loaders.
//!
//! Per-hop batching ([`Query::all`]) sends one statement per hop through the
//! session's loaders and the pool: each statement takes a connection of its
//! own, and sqlx's SQLite driver hands each row across a channel from its
//! worker thread, which costs more than the row itself. A nested `all()`
//! takes one connection for the whole load and runs each hop's plain
//! statement on it in turn: on SQLite stepped on the caller's thread, each
//! row read by serde from SQLite's columns straight into its model (the
//! `hops` module); on PostgreSQL through sqlx (the `connection` module). The
//! other way, `find_many` and `one_statement()`, is one statement whose result
//! is a JSON document built by the database ([`super::sql`] writes it; on
//! SQLite a row per root row, joined here), decoded by the same serde code
//! straight into the models.

use super::engine::{Engine, KeyColumn};
use super::error::DbError;
use super::include::{Chain, Include, Query, With};
use super::model::ModelRow;
use super::relation::{Relation, RelationOn};
use super::session::Session;
use super::sql::{self, JsonEncoding, Node, Table};
use serde::de::{DeserializeSeed, Deserializer, Error as _, SeqAccess};
use std::any::TypeId;
use std::cell::Cell;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{OnceLock, PoisonError, RwLock};

mod columns;
mod connection;
mod decode;
mod engine;
#[cfg(feature = "sqlite")]
mod hops;
#[cfg(feature = "sqlite")]
mod kept;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
mod stepped;

pub use columns::JsonColumn;
use connection::HopRows;
pub use decode::NestedArity;
use decode::{decode_document, decode_relation};
pub use engine::NestedEngine;
use engine::NestedFuture;
#[cfg(feature = "sqlite")]
use hops::Parents;
#[cfg(feature = "sqlite")]
use sqlite::Step;
#[cfg(feature = "sqlite")]
use stepped::Stepper;

/// A model whose rows can be read from the JSON arrays of a nested load:
/// implemented by `#[derive(Model)]` on every engine where each column's type
/// is a [`JsonColumn`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be loaded nested on `{DB}`",
    note = "every column of a model loaded with `nested()` must be a `JsonColumn` (integers, floats, `bool`, `String`, and `Option`s of them); load it with `all()` instead"
)]
pub trait NestedRow<DB: Engine>: ModelRow<DB> {
    /// How each column travels, in [`Model::COLUMNS`](super::Model::COLUMNS) order.
    const ENCODINGS: &'static [JsonEncoding];

    /// Reads the columns, in order, from the row's array; relations start not
    /// loaded.
    ///
    /// # Errors
    ///
    /// When the array ends early or a value does not decode.
    fn decode_columns<'de, A: SeqAccess<'de>>(seq: &mut A) -> Result<Self, A::Error>;
}

/// Reads the next column of a row's array: what the derive's
/// [`NestedRow::decode_columns`] calls for each field.
///
/// # Errors
///
/// When the array ended, or the value does not decode as `T`.
pub fn next_column<'de, DB: Engine, T: JsonColumn<DB>, A: SeqAccess<'de>>(
    seq: &mut A,
) -> Result<T, A::Error> {
    seq.next_element_seed(ColumnSeed::<DB, T>(PhantomData))?
        .ok_or_else(|| A::Error::custom("a row's array has fewer values than its model's columns"))
}

struct ColumnSeed<DB, T>(PhantomData<fn() -> (DB, T)>);

impl<'de, DB: Engine, T: JsonColumn<DB>> DeserializeSeed<'de> for ColumnSeed<DB, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// The parent column a relation matches on, for nested loads: implemented by
/// `#[derive(Model)]` for each relation.
pub trait NestedRelation: Relation {
    /// The foreign key column of a `belongs_to`, the parent's key otherwise.
    const PARENT_COLUMN: &'static str;
}

/// Why decoding stopped, when it was not the document's fault.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct DecodeContext {
    missing: Cell<Option<&'static str>>,
}

/// Includes that a nested load can put in its statement: relations whose
/// rows are [`NestedRow`]s, nested with `with` and chained by `include`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be loaded nested into `{P}`",
    note = "every model a nested load reaches must have only `JsonColumn` columns (integers, floats, `bool`, `String`, `Option`s of them; not bytes); load with `all()` instead"
)]
pub trait NestedInclude<P, DB: Engine>: Include<P, DB> + 'static {
    /// Appends the relations to the statement's plan, in decoding order.
    #[doc(hidden)]
    fn plan(nodes: &mut Vec<Node>);

    /// Reads the relations from what is left of the parent's array.
    #[doc(hidden)]
    fn decode<'de, A: SeqAccess<'de>>(
        parent: &mut P,
        seq: &mut A,
        context: &DecodeContext,
    ) -> Result<(), A::Error>;

    /// The rows of every relation, read by their plain statements (`all()`,
    /// see the `nested::hops` and `nested::connection` modules).
    #[doc(hidden)]
    type Hops: Send;

    /// Steps the relations' statements, for the keys of `parents`.
    #[cfg(feature = "sqlite")]
    #[doc(hidden)]
    fn step_hops(stepper: &mut Stepper, parents: &Parents) -> Result<Self::Hops, Step>;

    /// Runs the relations' statements on `connection`, for the keys of
    /// `parents`, one after the other.
    #[doc(hidden)]
    fn fetch_hops<'a>(
        connection: &'a mut DB::Connection,
        parents: &'a [&'a P],
    ) -> NestedFuture<'a, Self::Hops>;

    /// Puts the rows of the hops into `parents`, deepest hops first.
    ///
    /// # Errors
    ///
    /// When a `belongs_to` row is missing.
    #[doc(hidden)]
    fn assign_hops(parents: &mut [&mut P], hops: Self::Hops) -> Result<(), DbError>;
}

impl<P: Send + Sync + 'static, DB: Engine> NestedInclude<P, DB> for () {
    fn plan(_: &mut Vec<Node>) {}

    fn decode<'de, A: SeqAccess<'de>>(
        _: &mut P,
        _: &mut A,
        _: &DecodeContext,
    ) -> Result<(), A::Error> {
        Ok(())
    }

    type Hops = ();

    #[cfg(feature = "sqlite")]
    fn step_hops(_: &mut Stepper, _: &Parents) -> Result<(), Step> {
        Ok(())
    }

    fn fetch_hops<'a>(_: &'a mut DB::Connection, _: &'a [&'a P]) -> NestedFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    fn assign_hops(_: &mut [&mut P], (): ()) -> Result<(), DbError> {
        Ok(())
    }
}

impl<R, DB> NestedInclude<R::Parent, DB> for R
where
    R: NestedRelation + RelationOn<DB>,
    R::Child: NestedRow<DB>,
    R::Arity: NestedArity<R::Child>,
    R::Key: JsonColumn<DB>,
    DB: Engine,
{
    fn plan(nodes: &mut Vec<Node>) {
        nodes.push(node::<R, (), DB>());
    }

    fn decode<'de, A: SeqAccess<'de>>(
        parent: &mut R::Parent,
        seq: &mut A,
        context: &DecodeContext,
    ) -> Result<(), A::Error> {
        decode_relation::<R, (), DB, A>(parent, seq, context)
    }

    type Hops = HopRows<R, ()>;

    #[cfg(feature = "sqlite")]
    fn step_hops(stepper: &mut Stepper, parents: &Parents) -> Result<Self::Hops, Step> {
        hops::step_hop::<R, (), DB>(stepper, parents)
    }

    fn fetch_hops<'a>(
        connection: &'a mut DB::Connection,
        parents: &'a [&'a R::Parent],
    ) -> NestedFuture<'a, Self::Hops> {
        connection::fetch_hop::<R, (), DB>(connection, parents)
    }

    fn assign_hops(parents: &mut [&mut R::Parent], hops: Self::Hops) -> Result<(), DbError> {
        connection::assign_hop::<R, (), DB>(parents, hops)
    }
}

impl<R, I, DB> NestedInclude<R::Parent, DB> for With<R, I>
where
    R: NestedRelation + RelationOn<DB>,
    R::Child: NestedRow<DB>,
    R::Arity: NestedArity<R::Child>,
    R::Key: JsonColumn<DB>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
{
    fn plan(nodes: &mut Vec<Node>) {
        nodes.push(node::<R, I, DB>());
    }

    fn decode<'de, A: SeqAccess<'de>>(
        parent: &mut R::Parent,
        seq: &mut A,
        context: &DecodeContext,
    ) -> Result<(), A::Error> {
        decode_relation::<R, I, DB, A>(parent, seq, context)
    }

    type Hops = HopRows<R, I::Hops>;

    #[cfg(feature = "sqlite")]
    fn step_hops(stepper: &mut Stepper, parents: &Parents) -> Result<Self::Hops, Step> {
        hops::step_hop::<R, I, DB>(stepper, parents)
    }

    fn fetch_hops<'a>(
        connection: &'a mut DB::Connection,
        parents: &'a [&'a R::Parent],
    ) -> NestedFuture<'a, Self::Hops> {
        connection::fetch_hop::<R, I, DB>(connection, parents)
    }

    fn assign_hops(parents: &mut [&mut R::Parent], hops: Self::Hops) -> Result<(), DbError> {
        connection::assign_hop::<R, I, DB>(parents, hops)
    }
}

impl<P, DB, A, B> NestedInclude<P, DB> for Chain<A, B>
where
    P: Send + Sync,
    DB: Engine,
    A: NestedInclude<P, DB>,
    B: NestedInclude<P, DB>,
{
    fn plan(nodes: &mut Vec<Node>) {
        A::plan(nodes);
        B::plan(nodes);
    }

    fn decode<'de, S: SeqAccess<'de>>(
        parent: &mut P,
        seq: &mut S,
        context: &DecodeContext,
    ) -> Result<(), S::Error> {
        A::decode(parent, seq, context)?;
        B::decode(parent, seq, context)
    }

    type Hops = (A::Hops, B::Hops);

    #[cfg(feature = "sqlite")]
    fn step_hops(stepper: &mut Stepper, parents: &Parents) -> Result<Self::Hops, Step> {
        Ok((
            A::step_hops(stepper, parents)?,
            B::step_hops(stepper, parents)?,
        ))
    }

    fn fetch_hops<'a>(
        connection: &'a mut DB::Connection,
        parents: &'a [&'a P],
    ) -> NestedFuture<'a, Self::Hops> {
        Box::pin(async move {
            let a = A::fetch_hops(connection, parents).await?;
            Ok((a, B::fetch_hops(connection, parents).await?))
        })
    }

    fn assign_hops(parents: &mut [&mut P], (a, b): Self::Hops) -> Result<(), DbError> {
        A::assign_hops(parents, a)?;
        B::assign_hops(parents, b)
    }
}

fn table<M: NestedRow<DB>, DB: Engine>() -> Table {
    Table {
        table: M::TABLE,
        key: M::KEY_COLUMN,
        columns: M::COLUMNS,
        encodings: M::ENCODINGS,
    }
}

fn node<R, I, DB>() -> Node
where
    R: NestedRelation + RelationOn<DB>,
    R::Child: NestedRow<DB>,
    I: NestedInclude<R::Child, DB>,
    DB: Engine,
{
    let mut children = Vec::new();
    I::plan(&mut children);
    Node {
        kind: R::KIND,
        parent_column: R::PARENT_COLUMN,
        child: table::<R::Child, DB>(),
        children,
    }
}

/// The statement of `M` with `I`, for engine `DB`, and the length of its
/// part before the root's order (where `find_many` puts its `WHERE`): built
/// on first use, then shared by every query of that shape.
fn statement<M, I, DB>() -> (&'static str, usize)
where
    M: NestedRow<DB>,
    I: NestedInclude<M, DB>,
    DB: Engine,
{
    type Cache = HashMap<TypeId, (&'static str, usize)>;
    static STATEMENTS: OnceLock<RwLock<Cache>> = OnceLock::new();
    let statements = STATEMENTS.get_or_init(RwLock::default);
    let shape = TypeId::of::<(M, I, DB)>();
    if let Some(found) = statements
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&shape)
    {
        return *found;
    }
    let mut children = Vec::new();
    I::plan(&mut children);
    let mut sql = sql::tree(DB::DIALECT, &table::<M, DB>(), &children);
    let base = sql.len();
    sql::push_root_order(&mut sql, DB::DIALECT, M::KEY_COLUMN);
    *statements
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(shape)
        .or_insert_with(|| (Box::leak(sql.into_boxed_str()), base))
}

impl<'s, M: ModelRow<DB>, DB: Engine, I: Include<M, DB>> Query<'s, M, DB, I> {
    /// Loads the rows and every included relation, as deep as it nests, on one
    /// connection: each hop's statement in turn, or with `one_statement()` one
    /// statement whose JSON document the database builds (see
    /// [`NestedQuery`]).
    ///
    /// ```
    /// use unokit::Model;
    /// use unokit::db::{DbError, Related, Session};
    ///
    /// #[derive(Model, Clone, Debug, PartialEq)]
    /// #[model(table = "authors")]
    /// struct Author {
    ///     #[model(primary_key)]
    ///     id: i64,
    ///     name: String,
    /// }
    ///
    /// #[derive(Model, Clone, Debug, PartialEq)]
    /// #[model(table = "posts")]
    /// struct Post {
    ///     #[model(primary_key)]
    ///     id: i64,
    ///     author_id: i64,
    ///     #[model(belongs_to(Author, key = author_id))]
    ///     author: Related<Author>,
    /// }
    ///
    /// async fn front_page(session: &Session<sqlx::Sqlite>) -> Result<Vec<Post>, DbError> {
    ///     // Two statements, on one connection, however many posts.
    ///     session.query::<Post>().include(Post::AUTHOR).nested().all().await
    /// }
    /// ```
    pub fn nested(self) -> NestedQuery<'s, M, DB, I>
    where
        M: NestedRow<DB>,
        I: NestedInclude<M, DB>,
        DB: NestedEngine,
    {
        let (session, include) = self.into_parts();
        NestedQuery {
            session,
            include,
            one_statement: false,
            model: PhantomData,
        }
    }
}

/// A [`Query`] loaded nested: the rows and every relation they include, on
/// one connection, without the session's loaders.
///
/// `all()` runs each hop's plain statement (per-hop batching's, its keys
/// bound from the parents' rows), one after the other, on one connection
/// taken from the pool once. On SQLite the statements are stepped on the
/// caller's thread in one read transaction, as Diesel does, and each row is
/// read straight into its model with no sqlx row in between; on PostgreSQL
/// each statement sees the database as of its own start, as per-hop
/// batching's do. `find_many`, `find`, and `all()` after
/// [`one_statement`](Self::one_statement) are one statement whose result is a
/// JSON document built by the database (on SQLite a row per root row, each its
/// array; on PostgreSQL one row), decoded straight into the models: one
/// snapshot of the database.
///
/// It gives the same rows as per-hop batching ([`Query::all`]); which is
/// faster depends on the shape (see the README's `batch_load` section).
/// `all()` was the fastest of unokit's ways on the blog on both engines (on
/// PostgreSQL as fast as the same statements written by hand on one
/// connection). The document wins over per-hop batching when many small rows
/// would cross sqlx's row channel (many children per parent, deep trees,
/// SQLite's worker thread) and loses when rows are wide or large, or when a
/// `belongs_to` row is shared by many parents (the document repeats it under
/// each). A nested load does not go through the session's loaders: it does
/// not share statements with concurrent lazy loads, nor fill the relation
/// cache. Each model's columns must fit in one `json_array` call (SQLite
/// takes up to 127 arguments, PostgreSQL's `json_build_array` 100).
#[must_use = "a query does nothing until `all`, `find` or `find_many` is awaited"]
pub struct NestedQuery<'s, M, DB: Engine, I = ()> {
    session: &'s Session<DB>,
    include: I,
    one_statement: bool,
    model: PhantomData<fn() -> M>,
}

impl<'s, M, DB, I> NestedQuery<'s, M, DB, I>
where
    M: NestedRow<DB>,
    I: NestedInclude<M, DB>,
    DB: NestedEngine,
{
    /// Loads `all()` as one statement's JSON document instead of each hop's
    /// plain statement: the whole tree in one statement and one snapshot,
    /// which is slower on both engines on the blog (see the README's issue 17
    /// section).
    pub fn one_statement(mut self) -> Self {
        self.one_statement = true;
        self
    }

    /// Every row, ordered by key, with the included relations.
    ///
    /// # Errors
    ///
    /// When a statement fails, a value does not decode, or a `belongs_to`
    /// row is missing.
    pub async fn all(self) -> Result<Vec<M>, DbError> {
        let _ = self.include;
        DB::load_all::<M, I>(self.session, self.one_statement).await
    }

    /// The rows with these keys, in the keys' order (keys without a row are
    /// skipped), with the included relations.
    ///
    /// # Errors
    ///
    /// As [`all`](Self::all).
    pub async fn find_many(
        self,
        keys: impl IntoIterator<Item = M::Key>,
    ) -> Result<Vec<M>, DbError> {
        let keys: Vec<M::Key> = keys.into_iter().collect();
        let mut found: HashMap<M::Key, M> = HashMap::with_capacity(keys.len());
        for chunk in DB::DIALECT.key_chunks(&keys) {
            let (all, base) = statement::<M, I, DB>();
            let mut sql = all[..base].to_owned();
            sql::push_root_keys(&mut sql, DB::DIALECT, M::KEY_COLUMN, chunk.len());
            sql::push_root_order(&mut sql, DB::DIALECT, M::KEY_COLUMN);
            let mut arguments = <DB::Arguments<'_>>::default();
            <M::Key as KeyColumn<DB>>::add_keys(&mut arguments, chunk)
                .map_err(sqlx::Error::Encode)?;
            for row in self.run(&sql, arguments).await? {
                found.insert(row.key(), row);
            }
        }
        Ok(keys
            .iter()
            .filter_map(|key| found.get(key).cloned())
            .collect())
    }

    /// The row with this key, with the included relations.
    ///
    /// # Errors
    ///
    /// As [`all`](Self::all).
    pub async fn find(self, key: M::Key) -> Result<Option<M>, DbError> {
        Ok(self.find_many([key]).await?.pop())
    }

    async fn run<'q>(&self, sql: &'q str, arguments: DB::Arguments<'q>) -> Result<Vec<M>, DbError>
    where
        's: 'q,
    {
        let session: &'s Session<DB> = self.session;
        let models =
            DB::load_document(session, sql, arguments, decode_document::<M, I, DB>).await?;
        crate::trace::nested_statement(std::any::type_name::<M>(), models.len());
        Ok(models)
    }
}
