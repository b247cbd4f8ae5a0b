//! A filtered, sorted, paginated query: `session.query::<Post>().filter(&f)`.

use super::build::Binder;
use super::filter::{Filter, Op, Shape, Visit};
use crate::db::engine::{Column, Engine};
use crate::db::error::DbError;
use crate::db::include::{Chain, Include, Query};
use crate::db::model::{Model, ModelRow};
use crate::db::session::Session;
use crate::db::sql::push_quoted;
use sqlx::Arguments;
use sqlx::error::BoxDynError;
use std::any::TypeId;
use std::borrow::Cow;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{OnceLock, PoisonError, RwLock};

/// A sort column, whitelisted by the type that makes it: map a `serde` enum of
/// the sort keys a client may ask for (an unknown key fails to deserialize,
/// a 400) onto `Order`s of the model's columns.
///
/// ```
/// use unokit::db::query::Order;
///
/// #[derive(serde::Deserialize, Clone, Copy)]
/// #[serde(rename_all = "snake_case")]
/// enum PostSort { Newest, Title }
///
/// impl From<PostSort> for Order {
///     fn from(sort: PostSort) -> Order {
///         match sort {
///             PostSort::Newest => Order::desc("id"),
///             PostSort::Title => Order::asc("title"),
///         }
///     }
/// }
/// assert_eq!(Order::from(PostSort::Newest), Order::desc("id"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Order {
    column: &'static str,
    descending: bool,
}

impl Order {
    /// Ascending by `column`, a column of the model queried (checked when the
    /// query is made: a programmer's error, never a client's).
    #[must_use]
    pub const fn asc(column: &'static str) -> Self {
        Self {
            column,
            descending: false,
        }
    }

    /// Descending by `column`.
    #[must_use]
    pub const fn desc(column: &'static str) -> Self {
        Self {
            column,
            descending: true,
        }
    }

    /// The column, and whether descending (the key of a shared result).
    #[cfg(feature = "redis")]
    pub(super) const fn parts(self) -> (&'static str, bool) {
        (self.column, self.descending)
    }
}

/// Limit/offset pagination: `LIMIT ? OFFSET ?`, both bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Deserialize)]
pub struct Page {
    /// The most rows.
    pub limit: u32,
    /// Rows skipped.
    #[serde(default)]
    pub offset: u32,
}

/// The statement texts built so far, per filter and model type, engine and
/// shape: each built once. Bounded, so that a client cannot grow it without
/// end (SQLite `IN` lists change the text with their length): past the bound,
/// texts are built for each query.
/// (A fast fixed hasher: the key is already a hash, and a type id.)
static TEXTS: OnceLock<RwLock<Texts>> = OnceLock::new();
type Texts = HashMap<(TypeId, u64), &'static str, foldhash::fast::FixedState>;
const MAX_TEXTS: usize = 4096;

/// The texts each thread used last, direct-mapped by shape: a hit takes no
/// lock (the shared map's read lock is a contended cache line under load).
const RECENT: usize = 16;
type Entry = std::cell::Cell<Option<((TypeId, u64), &'static str)>>;

thread_local! {
    static RECENTLY_USED: [Entry; RECENT] = const { [const { Entry::new(None) }; RECENT] };
}

fn slot(key: (TypeId, u64)) -> usize {
    // The shape hash is well mixed already.
    usize::try_from(key.1 % RECENT as u64).expect("less than RECENT")
}

fn recent(key: (TypeId, u64)) -> Option<&'static str> {
    RECENTLY_USED.with(|recent| match recent[slot(key)].get() {
        Some((known, text)) if known == key => Some(text),
        _ => None,
    })
}

fn remember(key: (TypeId, u64), text: &'static str) {
    RECENTLY_USED.with(|recent| recent[slot(key)].set(Some((key, text))));
}

/// Rows of `M` matching filter `F`, sorted and paginated, with relations to
/// include: made by [`Query::filter`].
#[must_use = "a query does nothing until `all` is awaited"]
pub struct Filtered<'s, 'f, M: Model, DB: Engine, I, F> {
    pub(super) query: Query<'s, M, DB, I>,
    pub(super) filter: &'f F,
    pub(super) order: Vec<Order>,
    pub(super) page: Option<Page>,
    pub(super) keyset: Option<Keyset<'f, M>>,
    model: PhantomData<fn() -> M>,
}

/// Keyset pagination by the model's key: the rows after `after`, `limit` of them.
pub(super) struct Keyset<'f, M: Model> {
    pub(super) after: Option<&'f M::Key>,
    pub(super) limit: u32,
}

impl<'s, M: ModelRow<DB>, DB: Engine, I: Include<M, DB>> Query<'s, M, DB, I> {
    /// Only the rows `filter` matches.
    pub fn filter<F: Filter<DB, Model = M>>(self, filter: &F) -> Filtered<'s, '_, M, DB, I, F> {
        Filtered {
            query: self,
            filter,
            order: Vec::new(),
            page: None,
            keyset: None,
            model: PhantomData,
        }
    }
}

impl<'s, 'f, M, DB, I, F> Filtered<'s, 'f, M, DB, I, F>
where
    M: ModelRow<DB>,
    DB: Engine,
    I: Include<M, DB>,
    F: Filter<DB, Model = M>,
    i64: Column<DB>,
{
    /// Loads `relation` (with what it nests) into every row too.
    pub fn include<J: Include<M, DB>>(
        self,
        relation: J,
    ) -> Filtered<'s, 'f, M, DB, Chain<I, J>, F> {
        Filtered {
            query: self.query.include(relation),
            filter: self.filter,
            order: self.order,
            page: self.page,
            keyset: self.keyset,
            model: PhantomData,
        }
    }

    /// Sorts by `order`, then by what was given before… after the orders given
    /// before; the key comes last, so that pages are stable.
    ///
    /// # Panics
    ///
    /// If the column is not one of the model's.
    pub fn order_by(mut self, order: impl Into<Order>) -> Self {
        let order = order.into();
        assert!(
            M::COLUMNS.contains(&order.column),
            "`{}` is not a column of `{}`",
            order.column,
            M::TABLE
        );
        self.order.push(order);
        self
    }

    /// One page of the rows.
    pub fn page(mut self, page: Page) -> Self {
        self.page = Some(page);
        self
    }

    /// Keyset pagination: `limit` rows in key order, after the row whose key is
    /// `after` (the first page when `None`). Unlike an offset, a page costs
    /// the same however deep, and rows inserted before it do not shift it.
    /// Hand the last key to clients as an opaque cursor
    /// (`unokit::http::CursorKey`, with the `axum` feature).
    ///
    /// # Panics
    ///
    /// With [`order_by`](Self::order_by) or [`page`](Self::page): keyset pages
    /// are in key order.
    pub fn after(mut self, after: Option<&'f M::Key>, limit: u32) -> Self {
        assert!(
            self.order.is_empty() && self.page.is_none(),
            "keyset pages are in key order, without `order_by` or `page`"
        );
        self.keyset = Some(Keyset { after, limit });
        self
    }

    /// The statement and its binds: the text built once per shape.
    ///
    /// # Errors
    ///
    /// When a value does not encode, or an `IN` list is longer than one
    /// statement may bind.
    pub fn statement(&self) -> Result<(Cow<'static, str>, DB::Arguments<'f>), BoxDynError> {
        match &self.keyset {
            None => statement::<M, DB, F>(self.filter, &self.order, self.page),
            Some(keyset) => {
                build::<M, DB, F>(self.filter, &[], None, Some((keyset.after, keyset.limit)))
            }
        }
    }

    /// The matching rows, with the included relations.
    ///
    /// # Errors
    ///
    /// When a statement fails, or a `belongs_to` row is missing.
    pub async fn all(self) -> Result<Vec<M>, DbError> {
        let (sql, arguments) = self.statement().map_err(sqlx::Error::Encode)?;
        let session: &Session<DB> = self.query.session;
        let rows = session
            .within_deadline(DB::fetch_all(session.pool(), &sql, arguments))
            .await?;
        let mut models = rows
            .iter()
            .map(|row| M::from_row(row, 0))
            .collect::<Result<Vec<M>, sqlx::Error>>()?;
        session
            .include_ref(&mut models, &self.query.include)
            .await?;
        Ok(models)
    }
}

/// The text of `F`'s statement on `DB` for this filter's shape, and its binds.
///
/// # Errors
///
/// When a value does not encode, or an `IN` list is too long.
pub fn statement<'f, M, DB, F>(
    filter: &'f F,
    order: &[Order],
    page: Option<Page>,
) -> Result<(Cow<'static, str>, DB::Arguments<'f>), BoxDynError>
where
    M: ModelRow<DB>,
    DB: Engine,
    F: Filter<DB, Model = M>,
    i64: Column<DB>,
{
    build::<M, DB, F>(filter, order, page, None)
}

/// [`statement`], with keyset pagination: the key after, and the limit.
fn build<'f, M, DB, F>(
    filter: &'f F,
    order: &[Order],
    page: Option<Page>,
    keyset: Option<(Option<&'f M::Key>, u32)>,
) -> Result<(Cow<'static, str>, DB::Arguments<'f>), BoxDynError>
where
    M: ModelRow<DB>,
    DB: Engine,
    F: Filter<DB, Model = M>,
    i64: Column<DB>,
{
    let mut shape = Shape::<DB>::new();
    filter.visit(&mut shape)?;
    for sort in order {
        shape.mix(sort.column.as_ptr() as u64 ^ (sort.column.len() as u64) << 48);
        shape.mix(u64::from(sort.descending));
    }
    shape.mix(u64::from(page.is_some()) + 7);
    if let Some((after, _)) = keyset {
        shape.mix(u64::from(after.is_some()) + 11);
    }
    let key = (TypeId::of::<(F, DB)>(), shape.hash);
    let texts = TEXTS.get_or_init(RwLock::default);
    let known = recent(key).or_else(|| {
        let known = texts
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .copied();
        if let Some(text) = known {
            remember(key, text);
        }
        known
    });
    let mut binder = Binder::<DB>::new(known.is_none().then(String::new));
    filter.visit(&mut binder)?;
    if let Some((Some(after), _)) = keyset {
        binder.compare(M::KEY_COLUMN, Op::Gt, after)?;
    }
    let limit_param = binder.params + 1;
    if let Some((_, limit)) = keyset {
        binder.arguments.add(i64::from(limit))?;
    }
    if let Some(page) = page {
        binder.arguments.add(i64::from(page.limit))?;
        binder.arguments.add(i64::from(page.offset))?;
    }
    if let Some(sql) = known {
        return Ok((Cow::Borrowed(sql), binder.arguments));
    }
    let conditions = binder.sql.take().unwrap_or_default();
    let mut sql = String::from(DB::statements::<M>().select);
    if binder.wrote_any() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions);
    }
    sql.push_str(" ORDER BY ");
    for sort in order {
        push_quoted(&mut sql, sort.column);
        sql.push_str(if sort.descending { " DESC, " } else { " ASC, " });
    }
    push_quoted(&mut sql, M::KEY_COLUMN);
    if keyset.is_some() {
        sql.push_str(" LIMIT ");
        DB::DIALECT.push_placeholder(&mut sql, limit_param);
    }
    if page.is_some() {
        sql.push_str(" LIMIT ");
        DB::DIALECT.push_placeholder(&mut sql, limit_param);
        sql.push_str(" OFFSET ");
        DB::DIALECT.push_placeholder(&mut sql, limit_param + 1);
    }
    let mut texts = texts.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = texts.get(&key) {
        return Ok((Cow::Borrowed(known), binder.arguments));
    }
    if texts.len() >= MAX_TEXTS {
        // Past the bound the text is the query's own, built each time.
        return Ok((Cow::Owned(sql), binder.arguments));
    }
    let sql: &'static str = Box::leak(sql.into_boxed_str());
    texts.insert(key, sql);
    remember(key, sql);
    Ok((Cow::Borrowed(sql), binder.arguments))
}
