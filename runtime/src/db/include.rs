//! Eager loading: the relations to load with a query, nested as deep as wanted,
//! each hop one batch over every parent of the hop.

use super::engine::Engine;
use super::error::DbError;
use super::model::ModelRow;
use super::relation::{Arity, KeyMap, Relation, RelationKind, RelationOn, Target};
use super::session::Session;
use crate::trace;
use std::collections::HashMap;
use std::future::Future;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use std::pin::Pin;

/// A future of one eager-loading hop.
pub type IncludeFuture<'a> = Pin<Box<dyn Future<Output = Result<(), DbError>> + Send + 'a>>;

/// Relations to load eagerly into rows of `P`: a relation constant such as
/// `Post::AUTHOR`, a relation with nested includes (`Post::COMMENTS.with(Comment::AUTHOR)`),
/// or several of them chained by [`Query::include`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not load relations of `{P}`",
    note = "include relations of the model being loaded; nest relations of a related model with `.with(...)` on the relation that reaches it"
)]
pub trait Include<P, DB: Engine>: Send + Sync {
    /// Whether this includes nothing, so that no child rows need collecting.
    const NOTHING: bool = false;

    /// Loads the relations into `parents`.
    fn load<'a, 'p: 'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut P],
    ) -> IncludeFuture<'a>;

    /// Adds the tables these relations read to `tables`: what a cached query's
    /// result depends on ([`QueryCache`](super::query::QueryCache)).
    fn tables(&self, tables: &mut Vec<&'static str>) {
        let _ = tables;
    }
}

impl<P: Send + Sync, DB: Engine> Include<P, DB> for () {
    const NOTHING: bool = true;

    fn load<'a, 'p: 'a>(&'a self, _: &'a Session<DB>, _: &'a mut [&'p mut P]) -> IncludeFuture<'a> {
        Box::pin(async { Ok(()) })
    }
}

/// An include decided at run time, without changing the query's type:
/// `query.include(selection.wants("author").then_some(Post::AUTHOR))`, or
/// [`Query::include_if`].
impl<P: Send + Sync, DB: Engine, I: Include<P, DB>> Include<P, DB> for Option<I> {
    fn load<'a, 'p: 'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut P],
    ) -> IncludeFuture<'a> {
        match self {
            Some(include) => include.load(session, parents),
            None => Box::pin(async { Ok(()) }),
        }
    }

    fn tables(&self, tables: &mut Vec<&'static str>) {
        if let Some(include) = self {
            include.tables(tables);
        }
    }
}

impl<R: RelationOn<DB>, DB: Engine> Include<R::Parent, DB> for R {
    fn load<'a, 'p: 'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut R::Parent],
    ) -> IncludeFuture<'a> {
        Box::pin(load_relation::<R, DB, ()>(session, parents, &()))
    }

    fn tables(&self, tables: &mut Vec<&'static str>) {
        relation_tables::<R>(tables);
    }
}

/// The tables relation `R` reads: its rows', and a `many_to_many`'s join table.
fn relation_tables<R: Relation>(tables: &mut Vec<&'static str>) {
    tables.push(<R::Child as super::model::Model>::TABLE);
    if let RelationKind::ManyToMany { through, .. } = R::KIND {
        tables.push(through);
    }
}

/// A relation with relations of its rows to load too: `Post::COMMENTS.with(Comment::AUTHOR)`.
#[derive(Clone, Copy, Debug)]
pub struct With<R, I> {
    relation: R,
    pub(crate) nested: I,
}

impl<R: Relation, I> With<R, I> {
    /// `relation`, then `nested` into its rows.
    pub const fn new(relation: R, nested: I) -> Self {
        Self { relation, nested }
    }

    /// Adds `more` to the nested relations.
    pub fn with<J>(self, more: J) -> With<R, Chain<I, J>> {
        With {
            relation: self.relation,
            nested: Chain(self.nested, more),
        }
    }
}

impl<R, I, DB> Include<R::Parent, DB> for With<R, I>
where
    R: RelationOn<DB>,
    I: Include<R::Child, DB>,
    DB: Engine,
{
    fn load<'a, 'p: 'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut R::Parent],
    ) -> IncludeFuture<'a> {
        Box::pin(load_relation::<R, DB, I>(session, parents, &self.nested))
    }

    fn tables(&self, tables: &mut Vec<&'static str>) {
        relation_tables::<R>(tables);
        self.nested.tables(tables);
    }
}

/// Two includes, loaded one after the other.
#[derive(Clone, Copy, Debug)]
pub struct Chain<A, B>(pub A, pub B);

impl<P: Send + Sync, DB: Engine, A: Include<P, DB>, B: Include<P, DB>> Include<P, DB>
    for Chain<A, B>
{
    const NOTHING: bool = A::NOTHING && B::NOTHING;

    fn load<'a, 'p: 'a>(
        &'a self,
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut P],
    ) -> IncludeFuture<'a> {
        Box::pin(async move {
            self.0.load(session, parents).await?;
            self.1.load(session, parents).await
        })
    }

    fn tables(&self, tables: &mut Vec<&'static str>) {
        self.0.tables(tables);
        self.1.tables(tables);
    }
}

/// Loads relation `R` into `parents` with one `load_many` on the session's
/// loader, then `nested` into every row it found, all parents together: one
/// hop, in a `relation_hop` span.
pub(crate) async fn load_relation<R, DB, I>(
    session: &Session<DB>,
    parents: &mut [&mut R::Parent],
    nested: &I,
) -> Result<(), DbError>
where
    R: RelationOn<DB>,
    DB: Engine,
    I: Include<R::Child, DB>,
{
    let count = parents.len();
    trace::hop(R::NAME, count, hop::<R, DB, I>(session, parents, nested)).await
}

async fn hop<R, DB, I>(
    session: &Session<DB>,
    parents: &mut [&mut R::Parent],
    nested: &I,
) -> Result<(), DbError>
where
    R: RelationOn<DB>,
    DB: Engine,
    I: Include<R::Child, DB>,
{
    let keys: Vec<R::Key> = parents.iter().map(|parent| R::parent_key(parent)).collect();
    let mut found = session
        .relation_loader::<R>()
        .load_many(keys.iter().cloned())
        .await?;
    if !I::NOTHING {
        let mut rows: Vec<&mut R::Child> = found
            .values_mut()
            .flat_map(|target| R::Arity::rows_mut(target).iter_mut())
            .collect();
        nested.load(session, &mut rows).await?;
    }
    assign::<R, _>(parents, &keys, found)
}

/// Sets each parent's relation field to its rows among `rows`, each paired
/// with the parent key it was found under.
pub(crate) fn assign_rows<R: Relation>(
    parents: &mut [&mut R::Parent],
    rows: Vec<(R::Key, R::Child)>,
) -> Result<(), DbError> {
    let keys: Vec<R::Key> = parents.iter().map(|parent| R::parent_key(parent)).collect();
    let found = R::Arity::assemble(&keys, rows);
    assign::<R, _>(parents, &keys, found)
}

/// Sets each parent's relation field to what was `found` under its key (one
/// of `keys`, in the parents' order).
pub(crate) fn assign<R: Relation, S: BuildHasher>(
    parents: &mut [&mut R::Parent],
    keys: &[R::Key],
    mut found: HashMap<R::Key, Target<R>, S>,
) -> Result<(), DbError> {
    // Parents sharing a key get clones; the last of them gets the found value.
    let mut sharing: KeyMap<&R::Key, usize> =
        KeyMap::with_capacity_and_hasher(found.len(), Default::default());
    for key in keys {
        *sharing.entry(key).or_default() += 1;
    }
    for (parent, key) in parents.iter_mut().zip(keys) {
        let left = sharing.get_mut(key).expect("every key was counted");
        *left -= 1;
        let target: Option<Target<R>> = if *left == 0 {
            found.remove(key)
        } else {
            found.get(key).cloned()
        };
        let target = target.ok_or(DbError::MissingRow { relation: R::NAME })?;
        R::related_mut(parent).set(target);
    }
    Ok(())
}

/// Rows of `M` to load, with the relations to load into them: made by
/// [`Session::query`].
///
/// ```
/// use unokit::Model;
/// use unokit::db::{Related, Session};
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
///     #[model(has_many(Comment, foreign_key = post_id))]
///     comments: Related<Vec<Comment>>,
/// }
///
/// #[derive(Model, Clone, Debug, PartialEq)]
/// #[model(table = "comments")]
/// struct Comment {
///     #[model(primary_key)]
///     id: i64,
///     post_id: i64,
///     author_id: i64,
///     #[model(belongs_to(Author, key = author_id))]
///     author: Related<Author>,
/// }
///
/// async fn front_page(session: &Session<sqlx::Sqlite>) -> Result<Vec<Post>, unokit::db::DbError> {
///     session
///         .query::<Post>()
///         .include(Post::AUTHOR)
///         .include(Post::COMMENTS.with(Comment::AUTHOR))
///         .all()
///         .await // 4 statements, however many posts and comments
/// }
/// ```
#[must_use = "a query does nothing until `all`, `find` or `find_many` is awaited"]
pub struct Query<'s, M, DB: Engine, I = ()> {
    pub(crate) session: &'s Session<DB>,
    pub(crate) include: I,
    model: PhantomData<fn() -> M>,
}

impl<'s, M: ModelRow<DB>, DB: Engine> Query<'s, M, DB> {
    pub(crate) fn new(session: &'s Session<DB>) -> Self {
        Self {
            session,
            include: (),
            model: PhantomData,
        }
    }
}

impl<'s, M: ModelRow<DB>, DB: Engine, I: Include<M, DB>> Query<'s, M, DB, I> {
    /// The session and the includes, for another way of loading them.
    pub(crate) fn into_parts(self) -> (&'s Session<DB>, I) {
        (self.session, self.include)
    }

    /// Loads `relation` (with what it nests) into every row too.
    pub fn include<J: Include<M, DB>>(self, relation: J) -> Query<'s, M, DB, Chain<I, J>> {
        Query {
            session: self.session,
            include: Chain(self.include, relation),
            model: PhantomData,
        }
    }

    /// Loads `relation` too when `condition` holds; the query's type is the
    /// same either way, so includes can follow what a request asked for:
    /// `.include_if(selection.wants("author"), Post::AUTHOR)`.
    pub fn include_if<J: Include<M, DB>>(
        self,
        condition: bool,
        relation: J,
    ) -> Query<'s, M, DB, Chain<I, Option<J>>> {
        self.include(condition.then_some(relation))
    }

    /// Every row, ordered by key, with the included relations.
    ///
    /// # Errors
    ///
    /// When a statement fails, or a `belongs_to` row is missing.
    pub async fn all(self) -> Result<Vec<M>, DbError> {
        let sql = DB::statements::<M>().select_all;
        let fetching = DB::fetch_all(self.session.pool(), sql, <DB::Arguments<'_>>::default());
        let rows = self.session.within_deadline(fetching).await?;
        let mut models = rows
            .iter()
            .map(|row| M::from_row(row, 0))
            .collect::<Result<Vec<M>, sqlx::Error>>()?;
        self.session.include_ref(&mut models, &self.include).await?;
        Ok(models)
    }

    /// The rows with these keys, in the keys' order (keys without a row are
    /// skipped), with the included relations.
    ///
    /// # Errors
    ///
    /// When a batch fails, or a `belongs_to` row is missing.
    pub async fn find_many(
        self,
        keys: impl IntoIterator<Item = M::Key>,
    ) -> Result<Vec<M>, DbError> {
        let keys: Vec<M::Key> = keys.into_iter().collect();
        let found = self
            .session
            .key_loader::<M>()
            .load_many(keys.iter().cloned())
            .await?;
        let mut models: Vec<M> = keys
            .iter()
            .filter_map(|key| found.get(key).cloned())
            .collect();
        self.session.include_ref(&mut models, &self.include).await?;
        Ok(models)
    }

    /// The row with this key, with the included relations.
    ///
    /// # Errors
    ///
    /// When the batch fails, or a `belongs_to` row is missing.
    pub async fn find(self, key: M::Key) -> Result<Option<M>, DbError> {
        Ok(self.find_many([key]).await?.pop())
    }
}
