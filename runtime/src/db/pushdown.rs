//! The selection pushed down: `session.query::<Post>().select(&selection)`
//! reads only the columns a `?fields=` selection serializes (and the keys its
//! relations are found by), and loads only the relations it names, to any
//! depth.
//!
//! Names come from the compiled schema and the model, never from the request:
//! a selection compiled against `Post` picks among `Post`'s serialized fields,
//! each field's column is the `&'static str` its `#[partial_response]` schema
//! gives, and a column reaches the statement only if it is one of
//! [`Model::COLUMNS`](super::Model::COLUMNS).

use super::engine::{Column, Engine};
use super::error::DbError;
use super::include::{Include, IncludeFuture, Query};
use super::model::ModelRow;
use super::query::Page;
use super::session::Session;
use super::sql::push_quoted;
use crate::select::rt::Pick;
use crate::select::{Selectable, Selection};
use sqlx::Arguments;
use std::any::TypeId;

mod derived;
mod follow;

pub use derived::{
    AlwaysRead, DefaultStandsIn, Follow, FollowNotSelectable, FollowSelected, ReadColumn, Unread,
};
pub use follow::include_selected;

/// A model whose rows can be read with some of their columns, and whose
/// relations can follow a selection: implemented by `#[derive(Model)]` on every
/// engine its row reads from ([`ModelRow`]).
///
/// A column the selection does not need is not read when its type is
/// `Default`: the model's field holds the `Default`, and is not serialized
/// because the selection leaves it out. A column of another type is always
/// read.
///
/// A model graph may reach a model again through its relations (`Post` →
/// `Author` → `Vec<Post>`): a selection is finite, so following it stops
/// where it does (`id,author(name,posts(title))` is three statements). Under
/// `*` ([`Pick::All`]) a relation back to a model already loaded on the way
/// down is not followed, so `*` on such a graph ends too.
///
/// A relation whose model cannot be read from the engine (a column of
/// another engine's type) fails at run time with
/// [`DbError::NotSelectable`] when a selection names it: a bound on the
/// related model would make the trait solver overflow on cyclic graphs.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be loaded by a selection on `{DB}`",
    note = "`#[derive(Model)]` implements it on every engine the model's row can be read from"
)]
pub trait SelectModel<DB: Engine>: ModelRow<DB> {
    /// Per relation field: its name, and the column of this model its rows
    /// are found by (the foreign key of a `belongs_to`, the key otherwise).
    #[doc(hidden)]
    const RELATION_KEYS: &'static [(&'static str, &'static str)];

    /// The model in `row`, which holds the columns of [`Model::COLUMNS`](super::Model::COLUMNS) whose
    /// entry in `columns` is `true`, in that order, from index `offset`; the
    /// other fields hold their `Default` (only fields whose type has one are
    /// ever unread: see [`must_read`](Self::must_read)). Relations start not
    /// loaded.
    ///
    /// # Errors
    ///
    /// When a column does not decode.
    #[doc(hidden)]
    fn from_columns(row: &DB::Row, offset: usize, columns: &[bool]) -> Result<Self, sqlx::Error>;

    /// Marks in `columns` those that must be read whatever the selection:
    /// the columns whose type has no `Default` to stand in for them.
    #[doc(hidden)]
    fn must_read(columns: &mut [bool]);

    /// Loads into `parents` each relation that `pick` (compiled against this
    /// model's shape) does not skip, and into their rows what it selects of
    /// theirs. `trail` holds the models loaded on the way down, this one
    /// last: where `*` would reach one of them again it stops.
    #[doc(hidden)]
    fn include_selected<'a, 'p: 'a>(
        session: &'a Session<DB>,
        parents: &'a mut [&'p mut Self],
        pick: &'a Pick,
        trail: &'a [TypeId],
    ) -> IncludeFuture<'a>;
}

/// A query whose columns and relations follow a selection: made by
/// [`Query::select`].
#[must_use = "a query does nothing until `all` is awaited"]
pub struct SelectedQuery<'s, 'q, M: Selectable<Root = M>, DB: Engine, I> {
    query: Query<'s, M, DB, I>,
    selection: &'q Selection<M>,
    page: Option<Page>,
}

impl<'s, M: ModelRow<DB>, DB: Engine, I: Include<M, DB>> Query<'s, M, DB, I> {
    /// Loads what `selection` serializes and nothing more: only the columns of
    /// the fields it selects (the key, and the foreign keys of the relations
    /// it selects, are always read), and the relations it names, each one
    /// statement for all rows, nested as deep as the selection goes. With
    /// [`Selection::all`] (or `*`), every column and relation.
    ///
    /// Related rows are read the same way: each level only the columns its
    /// part of the selection serializes, its key, the keys of the relations it
    /// selects, and the column its parent's relation matches on.
    ///
    /// Unselected columns hold their type's `Default` in the loaded models;
    /// serialize them with [`Selectable::select`] under the same selection,
    /// which leaves those fields out.
    ///
    /// ```
    /// use unokit::db::{Related, Session};
    /// use unokit::select::{Selectable, Selection};
    /// use unokit::{Model, partial_response};
    ///
    /// #[partial_response]
    /// #[derive(Model, serde::Serialize, Clone)]
    /// #[model(table = "authors")]
    /// struct Author {
    ///     #[model(primary_key)]
    ///     id: i64,
    ///     name: String,
    /// }
    ///
    /// #[partial_response]
    /// #[derive(Model, serde::Serialize, Clone)]
    /// #[model(table = "posts")]
    /// struct Post {
    ///     #[model(primary_key)]
    ///     id: i64,
    ///     title: String,
    ///     #[serde(skip)]
    ///     author_id: i64,
    ///     #[model(belongs_to(Author, key = author_id))]
    ///     #[serde(skip_serializing_if = "Related::is_unloaded")]
    ///     author: Related<Author>,
    /// }
    ///
    /// async fn posts(session: &Session<sqlx::Sqlite>, fields: &str) -> String {
    ///     let selection = Selection::<Post>::parse(fields).unwrap();
    ///     // `id,title`: one statement reading two columns;
    ///     // `id,author(name)`: two statements.
    ///     let posts = session.query::<Post>().select(&selection).all().await.unwrap();
    ///     serde_json::to_string(&posts.select(&selection)).unwrap()
    /// }
    /// ```
    pub fn select<'q>(self, selection: &'q Selection<M>) -> SelectedQuery<'s, 'q, M, DB, I>
    where
        M: SelectModel<DB> + Selectable<Root = M>,
    {
        SelectedQuery {
            query: self,
            selection,
            page: None,
        }
    }
}

impl<M, DB, I> SelectedQuery<'_, '_, M, DB, I>
where
    M: SelectModel<DB> + Selectable<Root = M>,
    DB: Engine,
    I: Include<M, DB>,
    i64: Column<DB>,
{
    /// One page of the rows, in key order.
    pub fn page(mut self, page: Page) -> Self {
        self.page = Some(page);
        self
    }

    /// Which of [`Model::COLUMNS`](super::Model::COLUMNS) are read: those the selection serializes,
    /// the key, and the keys of the relations it selects.
    fn mask(&self) -> Vec<bool> {
        follow::mask::<M, DB>(self.selection.pick(), None)
    }

    /// The columns read, in [`Model::COLUMNS`](super::Model::COLUMNS) order.
    #[must_use]
    pub fn columns(&self) -> Vec<&'static str> {
        M::COLUMNS
            .iter()
            .zip(self.mask())
            .filter_map(|(column, read)| read.then_some(*column))
            .collect()
    }

    /// The statement's text: `SELECT` the columns read, in key order.
    #[must_use]
    pub fn statement(&self) -> String {
        let mut sql = follow::select_list::<M>(&self.mask());
        sql.push_str(" ORDER BY ");
        push_quoted(&mut sql, M::KEY_COLUMN);
        if self.page.is_some() {
            sql.push_str(" LIMIT ");
            DB::DIALECT.push_placeholder(&mut sql, 1);
            sql.push_str(" OFFSET ");
            DB::DIALECT.push_placeholder(&mut sql, 2);
        }
        sql
    }

    /// The rows, with the selected columns, the relations the selection names
    /// and those included by hand.
    ///
    /// # Errors
    ///
    /// When a statement fails, or a `belongs_to` row is missing.
    pub async fn all(self) -> Result<Vec<M>, DbError> {
        let mask = self.mask();
        let sql = self.statement();
        let mut arguments = <DB::Arguments<'_>>::default();
        if let Some(page) = self.page {
            let encoded = arguments
                .add(i64::from(page.limit))
                .and_then(|()| arguments.add(i64::from(page.offset)));
            encoded.map_err(sqlx::Error::Encode)?;
        }
        let session = self.query.session;
        let rows = session
            .within_deadline(DB::fetch_all(session.pool(), &sql, arguments))
            .await?;
        let mut models = rows
            .iter()
            .map(|row| M::from_columns(row, 0, &mask))
            .collect::<Result<Vec<M>, sqlx::Error>>()?;
        session
            .include_ref(&mut models, &self.query.include)
            .await?;
        let mut parents: Vec<&mut M> = models.iter_mut().collect();
        let trail = [TypeId::of::<M>()];
        M::include_selected(session, &mut parents, self.selection.pick(), &trail).await?;
        Ok(models)
    }
}
