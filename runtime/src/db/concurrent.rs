//! Concurrent hops: every hop of an eager load sent at once, each on a
//! connection of its own, so that the load takes about as long as its slowest
//! statement rather than the sum of them all.
//!
//! Per-hop batching ([`Query::all`]) needs a hop's rows before it can send the
//! next: the next hop's statement binds their keys. Here a hop's statement
//! names its parents by their own statement, as a subquery
//! (`WHERE "post_id" IN (SELECT "id" FROM "posts")`, see `sql::hops`), so no
//! hop waits for another; the rows are put together once all have arrived.
//! Each statement selects what the per-hop one selects (each row once, ordered
//! by key), so the models are the same.
//!
//! On a multi-thread runtime each hop is run and its rows decoded on a task of
//! its own: decoding is most of the client's work, so it runs on every worker
//! at once. A current-thread runtime has no other worker: there, in place.
//!
//! What it costs: one connection per hop at the same moment (a pool smaller
//! than the hops queues them, which still works), and the database evaluates
//! each parent statement again inside its children's (cheap next to a round
//! trip for small trees; the deeper and the more selective the root, the more
//! it repeats). Each statement sees the database as of its own start, as each
//! per-hop statement does.

mod fetch;

use super::engine::Engine;
use super::error::DbError;
use super::include::{Chain, Include, Query, With, assign_rows};
use super::model::{Model, ModelRow};
use super::nested::NestedRelation;
use super::relation::{RelationOn, relation_row};
use super::session::Session;
use super::sql::{self, Hop};
use fetch::{BindRoot, RootKeys, fetch_rows};
use std::collections::HashMap;
use std::future::{Future, poll_fn};
use std::marker::PhantomData;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::Poll;

/// A future of one concurrent hop and the hops below it.
#[doc(hidden)]
pub type FetchFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DbError>> + Send + 'a>>;

/// The rows a hop's statement is about: a `FROM` body naming them, and the
/// root keys it binds (none for every row).
#[doc(hidden)]
pub struct Parents<DB: Engine> {
    set: String,
    /// Shared, not borrowed: a hop's task binds them on its own.
    root: Option<Arc<dyn BindRoot<DB>>>,
}

/// Includes that can be loaded with every hop at once: relations, nested with
/// `with`, chained by `include`, or `Option`s of them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be loaded with concurrent hops into `{P}`",
    note = "include relations of the model being loaded; nest relations of a related model with `.with(...)`"
)]
pub trait ConcurrentInclude<P, DB: Engine>: Include<P, DB> {
    /// The rows of every hop, before they are put into their parents.
    #[doc(hidden)]
    type Fetched: Send + 'static;

    /// Sends every hop's statement, for the parents `parents` names.
    #[doc(hidden)]
    fn fetch<'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a Parents<DB>,
    ) -> FetchFuture<'a, Self::Fetched>;

    /// Puts the fetched rows into `parents`, deepest hops first.
    ///
    /// # Errors
    ///
    /// When a `belongs_to` row is missing.
    #[doc(hidden)]
    fn assign(parents: &mut [&mut P], fetched: Self::Fetched) -> Result<(), DbError>;
}

impl<P: Send + Sync, DB: Engine> ConcurrentInclude<P, DB> for () {
    type Fetched = ();

    fn fetch<'a>(&'a self, _: &'a Session<DB>, _: &'a Parents<DB>) -> FetchFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }

    fn assign(_: &mut [&mut P], (): ()) -> Result<(), DbError> {
        Ok(())
    }
}

impl<P: Send + Sync, DB: Engine, I: ConcurrentInclude<P, DB>> ConcurrentInclude<P, DB>
    for Option<I>
{
    type Fetched = Option<I::Fetched>;

    fn fetch<'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a Parents<DB>,
    ) -> FetchFuture<'a, Self::Fetched> {
        match self {
            Some(include) => {
                let fetching = include.fetch(session, parents);
                Box::pin(async move { Ok(Some(fetching.await?)) })
            }
            None => Box::pin(async { Ok(None) }),
        }
    }

    fn assign(parents: &mut [&mut P], fetched: Self::Fetched) -> Result<(), DbError> {
        fetched.map_or(Ok(()), |fetched| I::assign(parents, fetched))
    }
}

impl<P, DB, A, B> ConcurrentInclude<P, DB> for Chain<A, B>
where
    P: Send + Sync,
    DB: Engine,
    A: ConcurrentInclude<P, DB>,
    B: ConcurrentInclude<P, DB>,
{
    type Fetched = (A::Fetched, B::Fetched);

    fn fetch<'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a Parents<DB>,
    ) -> FetchFuture<'a, Self::Fetched> {
        Box::pin(try_join(
            self.0.fetch(session, parents),
            self.1.fetch(session, parents),
        ))
    }

    fn assign(parents: &mut [&mut P], (a, b): Self::Fetched) -> Result<(), DbError> {
        A::assign(parents, a)?;
        B::assign(parents, b)
    }
}

impl<R, DB> ConcurrentInclude<R::Parent, DB> for R
where
    R: NestedRelation + RelationOn<DB>,
    DB: Engine,
{
    type Fetched = HopRows<R, ()>;

    fn fetch<'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a Parents<DB>,
    ) -> FetchFuture<'a, Self::Fetched> {
        Box::pin(fetch_hop::<R, (), DB>(session, parents, &()))
    }

    fn assign(parents: &mut [&mut R::Parent], fetched: Self::Fetched) -> Result<(), DbError> {
        assign_hop::<R, (), DB>(parents, fetched)
    }
}

impl<R, I, DB> ConcurrentInclude<R::Parent, DB> for With<R, I>
where
    R: NestedRelation + RelationOn<DB>,
    I: ConcurrentInclude<R::Child, DB>,
    DB: Engine,
{
    type Fetched = HopRows<R, I::Fetched>;

    fn fetch<'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a Parents<DB>,
    ) -> FetchFuture<'a, Self::Fetched> {
        Box::pin(fetch_hop::<R, I, DB>(session, parents, &self.nested))
    }

    fn assign(parents: &mut [&mut R::Parent], fetched: Self::Fetched) -> Result<(), DbError> {
        assign_hop::<R, I, DB>(parents, fetched)
    }
}

/// A hop's rows, each with the key it is found under, and its hops' rows.
#[doc(hidden)]
pub struct HopRows<R: NestedRelation, N> {
    rows: Vec<(R::Key, R::Child)>,
    nested: N,
}

async fn fetch_hop<R, I, DB>(
    session: &Session<DB>,
    parents: &Parents<DB>,
    nested: &I,
) -> Result<HopRows<R, I::Fetched>, DbError>
where
    R: NestedRelation + RelationOn<DB>,
    I: ConcurrentInclude<R::Child, DB>,
    DB: Engine,
{
    let child = <R::Child as Model>::TABLE;
    let (statement, set) = sql::hop(
        &parents.set,
        &Hop {
            kind: R::KIND,
            parent_column: R::PARENT_COLUMN,
            table: child,
            key: <R::Child as Model>::KEY_COLUMN,
            columns: <R::Child as Model>::COLUMNS,
            select: DB::statements::<R::Child>().select,
        },
    );
    let children = Parents {
        set,
        root: parents.root.clone(),
    };
    let rows = fetch_rows(
        session,
        statement,
        parents.root.clone(),
        relation_row::<R, DB>,
    );
    // Traced in the caller's span, not the hop's task; no keys (the parents
    // are named by their statement), a pair a row.
    let rows = async {
        let pairs = rows.await?;
        crate::trace::relation_statements(R::NAME, 0, 1, pairs.len());
        Ok::<_, DbError>(pairs)
    };
    let (rows, nested) = try_join(rows, nested.fetch(session, &children)).await?;
    Ok(HopRows { rows, nested })
}

fn assign_hop<R, I, DB>(
    parents: &mut [&mut R::Parent],
    fetched: HopRows<R, I::Fetched>,
) -> Result<(), DbError>
where
    R: NestedRelation + RelationOn<DB>,
    I: ConcurrentInclude<R::Child, DB>,
    DB: Engine,
{
    let HopRows { mut rows, nested } = fetched;
    if !I::NOTHING {
        let mut children: Vec<&mut R::Child> = rows.iter_mut().map(|(_, child)| child).collect();
        I::assign(&mut children, nested)?;
    }
    assign_rows::<R>(parents, rows)
}

/// Both futures, polled together; the first error ends both.
async fn try_join<A, B>(
    a: impl Future<Output = Result<A, DbError>>,
    b: impl Future<Output = Result<B, DbError>>,
) -> Result<(A, B), DbError> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut done_a = None;
    let mut done_b = None;
    poll_fn(|cx| {
        if done_a.is_none()
            && let Poll::Ready(result) = a.as_mut().poll(cx)
        {
            done_a = Some(result?);
        }
        if done_b.is_none()
            && let Poll::Ready(result) = b.as_mut().poll(cx)
        {
            done_b = Some(result?);
        }
        if done_a.is_some() && done_b.is_some() {
            Poll::Ready(Ok::<(), DbError>(()))
        } else {
            Poll::Pending
        }
    })
    .await?;
    match (done_a, done_b) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => unreachable!("both futures finished"),
    }
}

impl<'s, M: ModelRow<DB>, DB: Engine, I: Include<M, DB>> Query<'s, M, DB, I> {
    /// Loads the rows and every included relation with all the hops'
    /// statements sent at once, each on its own connection: the load takes
    /// about one round trip instead of one per hop (see [`ConcurrentQuery`]).
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
    ///     // Two statements, sent together.
    ///     session.query::<Post>().include(Post::AUTHOR).concurrent().all().await
    /// }
    /// ```
    pub fn concurrent(self) -> ConcurrentQuery<'s, M, DB, I>
    where
        I: ConcurrentInclude<M, DB>,
    {
        let (session, include) = self.into_parts();
        ConcurrentQuery {
            session,
            include,
            model: PhantomData,
        }
    }
}

/// A [`Query`] loaded with concurrent hops: one statement per hop, as
/// per-hop batching sends, but all sent at once, each hop naming its parents
/// by their statement rather than by their keys.
///
/// It gives the same rows as [`Query::all`]. It wins where a round trip
/// costs more than the database's work for a hop (PostgreSQL over a network,
/// or even on loopback): the load takes about the slowest hop instead of the
/// sum. It needs a connection per hop at once from the pool, and the
/// database runs each parent's statement again as its children's subquery.
/// Like [`NestedQuery`](super::NestedQuery), it does not go through the
/// session's loaders: it does not share statements with concurrent lazy
/// loads, nor fill the relation cache.
#[must_use = "a query does nothing until `all`, `find` or `find_many` is awaited"]
pub struct ConcurrentQuery<'s, M, DB: Engine, I = ()> {
    session: &'s Session<DB>,
    include: I,
    model: PhantomData<fn() -> M>,
}

impl<M, DB, I> ConcurrentQuery<'_, M, DB, I>
where
    M: ModelRow<DB>,
    I: ConcurrentInclude<M, DB>,
    DB: Engine,
{
    /// Every row, ordered by key, with the included relations.
    ///
    /// # Errors
    ///
    /// When a statement fails, or a `belongs_to` row is missing.
    pub async fn all(self) -> Result<Vec<M>, DbError> {
        let set = sql::root_set(DB::DIALECT, M::TABLE, M::KEY_COLUMN, None);
        let select = DB::statements::<M>().select_all;
        self.load(select.to_owned(), set, None).await
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
            let set = sql::root_set(DB::DIALECT, M::TABLE, M::KEY_COLUMN, Some(chunk.len()));
            let select = sql::select_where_in(
                DB::DIALECT,
                DB::statements::<M>().select,
                M::KEY_COLUMN,
                chunk.len(),
                M::KEY_COLUMN,
            );
            let root: Arc<dyn BindRoot<DB>> = Arc::new(RootKeys(chunk.to_vec()));
            for row in self.load(select, set, Some(root)).await? {
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

    async fn load(
        &self,
        select: String,
        set: String,
        root: Option<Arc<dyn BindRoot<DB>>>,
    ) -> Result<Vec<M>, DbError> {
        let session = self.session;
        let parents = Parents {
            set,
            root: root.clone(),
        };
        let rows = fetch_rows(session, select, root, |row| M::from_row(row, 0));
        let (mut models, fetched) = try_join(rows, self.include.fetch(session, &parents)).await?;
        let mut refs: Vec<&mut M> = models.iter_mut().collect();
        I::assign(&mut refs, fetched)?;
        Ok(models)
    }
}
