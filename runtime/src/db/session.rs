use super::cache::RelationCache;
use super::changes::Changes;
use super::detect::{self, Scope};
use super::engine::Engine;
use super::error::DbError;
use super::include::{Include, Query, load_relation};
use super::invalidate::{self, Registry, Write};
use super::model::ModelRow;
use super::relation::{KeyFetch, RelationFetch, RelationOn};
use crate::batch::{BatchFn, BatchLoader, LoaderConfig};
use sqlx::Pool;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// One unit of work on a database, typically one request: the pool, and the
/// batch loaders of every relation and model loaded through it.
///
/// Everything loaded through a session goes through its loaders, so rows and
/// relations asked for concurrently (by eager includes, or lazy loads from
/// many tasks) are fetched one statement per relation hop, and each only once.
/// Cloning a session shares its loaders.
///
/// ```
/// use sqlx::sqlite::SqlitePoolOptions;
/// use unokit::db::Session;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let pool = SqlitePoolOptions::new().connect("sqlite::memory:").await?;
/// let session = Session::new(pool).strict(); // a lazy load is an error here
/// assert!(session.is_strict());
/// # Ok::<(), sqlx::Error>(())
/// # }).unwrap();
/// ```
///
/// # Failing fast
///
/// Every statement and batch of a session has a deadline, 5 s unless
/// [`with_timeout`](Self::with_timeout) says otherwise: when the database stops
/// answering (a network partition, a paused server), requests fail within it
/// with [`DbError::Timeout`] or a [`LoadError::TimedOut`](crate::batch::LoadError::TimedOut),
/// and the next request after the database is back succeeds. Set the pool's
/// limits to match, as sqlx's defaults are long:
///
/// - `acquire_timeout` on the pool options (sqlx's default: 30 s) bounds the wait
///   for a free connection; keep it below the session's timeout so that an
///   exhausted pool reports itself as such;
/// - a server-side statement timeout (PostgreSQL's `statement_timeout`, set
///   with `PgConnectOptions::options([("statement_timeout", "5s")])`; SQLite's
///   `busy_timeout` for locks) stops the work on the server too, which dropping
///   the client's future does not.
///
/// ```
/// use std::time::Duration;
/// use sqlx::sqlite::SqlitePoolOptions;
/// use unokit::db::Session;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let pool = SqlitePoolOptions::new()
///     .acquire_timeout(Duration::from_secs(1))
///     .connect("sqlite::memory:")
///     .await?;
/// let session = Session::new(pool).with_timeout(Duration::from_secs(2));
/// assert_eq!(session.timeout(), Some(Duration::from_secs(2)));
/// # Ok::<(), sqlx::Error>(())
/// # }).unwrap();
/// ```
pub struct Session<DB: Engine> {
    inner: Arc<Inner<DB>>,
}

struct Inner<DB: Engine> {
    pool: Pool<DB>,
    strict: bool,
    config: LoaderConfig,
    cache: Option<RelationCache>,
    changes: Option<Changes>,
    loaders: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    registry: Registry,
    scope: Option<Scope>,
}

impl<DB: Engine> Clone for Session<DB> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<DB: Engine> Session<DB> {
    /// A session on `pool`. Its loaders take the default [`LoaderConfig`] but
    /// for the batch size, which is the engine's bind limit
    /// ([`Engine::keys_per_statement`]: 32 766 keys on SQLite, every key on
    /// PostgreSQL, which binds them as one array): a batch of any size is the
    /// fewest statements the engine allows.
    #[must_use]
    pub fn new(pool: Pool<DB>) -> Self {
        Self {
            inner: Arc::new(Inner {
                pool,
                strict: false,
                config: Self::default_loader_config(),
                cache: None,
                changes: None,
                loaders: Mutex::new(HashMap::new()),
                registry: Registry::default(),
                // A session made within a request scope records its statements there.
                scope: Scope::current(),
            }),
        }
    }

    /// The loader configuration of a new session: the defaults, with batches as
    /// large as one statement of the engine may bind.
    #[must_use]
    pub fn default_loader_config() -> LoaderConfig {
        LoaderConfig::new().with_max_batch(DB::keys_per_statement())
    }

    /// Applies a setting. Settings come first: a session already cloned or
    /// loaded through shares its loaders, which the setting would not reach.
    fn configure(mut self, change: impl FnOnce(&mut Inner<DB>)) -> Self {
        let inner = Arc::get_mut(&mut self.inner)
            .expect("configure a session before cloning it or loading through it");
        change(inner);
        self
    }

    /// Makes every lazy load an error ([`DbError::LazyLoadInStrictMode`]): in tests
    /// that guard against N+1 queries, every relation must be included eagerly.
    ///
    /// # Panics
    ///
    /// If the session was cloned or loaded through before: configure it first.
    #[must_use]
    pub fn strict(self) -> Self {
        self.configure(|inner| inner.strict = true)
    }

    /// Batching of the session's loaders: `max_batch`, `window`, and the
    /// timeout, which also bounds the session's other statements (see
    /// [`with_timeout`](Self::with_timeout)). The cache setting is not used: a
    /// session caches for its life, and across sessions through a
    /// [`RelationCache`].
    ///
    /// `config` is taken as it is: its `max_batch` caps the batches (start
    /// from [`default_loader_config`](Self::default_loader_config) to keep the
    /// engine's bind limit and change something else).
    ///
    /// # Panics
    ///
    /// If the session was cloned or loaded through before: configure it first.
    #[must_use]
    pub fn with_loader_config(self, config: LoaderConfig) -> Self {
        self.configure(|inner| inner.config = config)
    }

    /// The longest any statement or batch of the session may take, waiting for
    /// a pooled connection included (default
    /// [`LoaderConfig::DEFAULT_TIMEOUT`], 5 s): past it, the statement is
    /// dropped and the call fails with [`DbError::Timeout`], or, for loads,
    /// [`LoadError::TimedOut`](crate::batch::LoadError::TimedOut) shared by
    /// every key of the batch. The session's loaders take it from their
    /// [`LoaderConfig`], which this sets.
    ///
    /// A write that times out may still have been applied: the server may
    /// have run it after the connection stopped answering.
    ///
    /// # Panics
    ///
    /// If the session was cloned or loaded through before: configure it first.
    #[must_use]
    pub fn with_timeout(self, timeout: std::time::Duration) -> Self {
        self.configure(|inner| inner.config = inner.config.with_timeout(timeout))
    }

    /// Caches loaded relations in `cache`, shared with other sessions.
    ///
    /// # Panics
    ///
    /// If the session was cloned or loaded through before: configure it first.
    #[must_use]
    pub fn with_relation_cache(self, cache: RelationCache) -> Self {
        self.configure(|inner| inner.cache = Some(cache))
    }

    /// Reports the session's writes to `changes` as soon as each returns, so
    /// that cached query results ([`QueryCache`](super::QueryCache)) of the
    /// written table are stale at once rather than when the database's
    /// report arrives.
    ///
    /// # Panics
    ///
    /// If the session was cloned or loaded through before: configure it first.
    #[must_use]
    pub fn with_changes(self, changes: &Changes) -> Self {
        let changes = changes.clone();
        self.configure(|inner| inner.changes = Some(changes))
    }

    /// Records the session's statements, those its loaders run included, in
    /// `scope` ([`detect`](super::detect)): the N+1 detector and statement
    /// counter. A session takes the [current](Scope::current) scope when made.
    ///
    /// # Panics
    ///
    /// If the session was cloned or loaded through before: configure it first.
    #[must_use]
    pub fn with_scope(self, scope: Scope) -> Self {
        self.configure(|inner| inner.scope = Some(scope))
    }

    /// The scope the session's statements are recorded in, if any.
    #[must_use]
    pub fn scope(&self) -> Option<&Scope> {
        self.inner.scope.as_ref()
    }

    /// The pool.
    #[must_use]
    pub fn pool(&self) -> &Pool<DB> {
        &self.inner.pool
    }

    /// Whether lazy loads are errors.
    #[must_use]
    pub fn is_strict(&self) -> bool {
        self.inner.strict
    }

    /// A query for rows of `M`, to which relations to load eagerly are added.
    pub fn query<M: ModelRow<DB>>(&self) -> Query<'_, M, DB> {
        Query::new(self)
    }

    /// Every row of `M`, ordered by key.
    ///
    /// # Errors
    ///
    /// When the statement fails.
    pub async fn all<M: ModelRow<DB>>(&self) -> Result<Vec<M>, DbError> {
        self.query::<M>().all().await
    }

    /// The row of `M` with primary key `key`, through the session's loader: finds
    /// made concurrently share one statement.
    ///
    /// # Errors
    ///
    /// When the batch fails.
    pub async fn find<M: ModelRow<DB>>(&self, key: M::Key) -> Result<Option<M>, DbError> {
        Ok(self.key_loader::<M>().load(key).await?)
    }

    /// The rows of `M` with these keys, in the keys' order; keys without a row are
    /// skipped.
    ///
    /// # Errors
    ///
    /// When a batch fails.
    pub async fn find_many<M: ModelRow<DB>>(
        &self,
        keys: impl IntoIterator<Item = M::Key>,
    ) -> Result<Vec<M>, DbError> {
        self.query::<M>().find_many(keys).await
    }

    /// Loads `include` eagerly into `rows`: one statement per relation hop.
    ///
    /// # Errors
    ///
    /// When a batch fails, or a `belongs_to` row is missing.
    pub async fn include<M, I>(&self, rows: &mut [M], include: I) -> Result<(), DbError>
    where
        M: ModelRow<DB>,
        I: Include<M, DB>,
    {
        self.include_ref(rows, &include).await
    }

    pub(crate) async fn include_ref<M, I>(&self, rows: &mut [M], include: &I) -> Result<(), DbError>
    where
        M: ModelRow<DB>,
        I: Include<M, DB>,
    {
        if I::NOTHING {
            return Ok(());
        }
        let mut parents: Vec<&mut M> = rows.iter_mut().collect();
        include.load(self, &mut parents).await
    }

    /// Inserts `row`, then forgets what it makes stale in the session's loaders
    /// and the relation cache.
    ///
    /// # Errors
    ///
    /// When the statement fails.
    pub async fn insert<M: ModelRow<DB>>(&self, row: &M) -> Result<u64, DbError> {
        let mut arguments = <DB::Arguments<'_>>::default();
        row.bind_insert(&mut arguments)
            .map_err(sqlx::Error::Encode)?;
        self.write(row, DB::statements::<M>().insert, arguments, Write::Insert)
            .await
    }

    /// Updates the row with `row`'s key to `row`'s values, then forgets what it
    /// makes stale. Returns the number of rows changed.
    ///
    /// # Errors
    ///
    /// When the statement fails.
    pub async fn update<M: ModelRow<DB>>(&self, row: &M) -> Result<u64, DbError> {
        let mut arguments = <DB::Arguments<'_>>::default();
        row.bind_update(&mut arguments)
            .map_err(sqlx::Error::Encode)?;
        self.write(row, DB::statements::<M>().update, arguments, Write::Update)
            .await
    }

    /// Deletes the row with `row`'s key, then forgets what it makes stale.
    /// Returns the number of rows deleted.
    ///
    /// # Errors
    ///
    /// When the statement fails.
    pub async fn delete<M: ModelRow<DB>>(&self, row: &M) -> Result<u64, DbError> {
        let mut arguments = <DB::Arguments<'_>>::default();
        row.bind_key(&mut arguments).map_err(sqlx::Error::Encode)?;
        self.write(row, DB::statements::<M>().delete, arguments, Write::Delete)
            .await
    }

    async fn write<'q, M: ModelRow<DB>>(
        &'q self,
        row: &M,
        sql: &'q str,
        arguments: DB::Arguments<'q>,
        write: Write,
    ) -> Result<u64, DbError> {
        let changed = self
            .within_deadline(DB::execute(&self.inner.pool, sql, arguments))
            .await?;
        self.inner.registry.written(M::TABLE, row, write);
        if let Some(changes) = &self.inner.changes {
            changes.changed(M::TABLE);
        }
        if let Some(cache) = &self.inner.cache {
            cache.registry().written(M::TABLE, row, write);
        }
        Ok(changed)
    }

    /// Loads `relation` of `parent` now, unless it is loaded, and returns it: an
    /// explicit lazy load, the same as the relation's own `load`
    /// (`Post::AUTHOR.load(&session, &mut post)`).
    ///
    /// It goes through the session's loader of the relation, so lazy loads made
    /// concurrently, by many tasks for many parents, share one statement.
    ///
    /// # Errors
    ///
    /// [`DbError::LazyLoadInStrictMode`] in a [strict](Self::strict) session;
    /// otherwise when the batch fails, or a `belongs_to` row is missing.
    pub async fn load_relation<'p, R: RelationOn<DB>>(
        &self,
        relation: R,
        parent: &'p mut R::Parent,
    ) -> Result<&'p super::relation::Target<R>, DbError> {
        let _ = relation;
        if !R::related(parent).is_loaded() {
            if self.inner.strict {
                return Err(DbError::LazyLoadInStrictMode { relation: R::NAME });
            }
            let mut parents = [&mut *parent];
            load_relation::<R, DB, ()>(self, &mut parents, &()).await?;
        }
        Ok(R::related(parent).get()?)
    }

    /// The configuration of the session's loaders.
    #[must_use]
    pub fn loader_config(&self) -> LoaderConfig {
        self.inner.config
    }

    /// The session's deadline, if any.
    #[must_use]
    pub fn timeout(&self) -> Option<std::time::Duration> {
        self.inner.config.timeout()
    }

    /// Runs a statement of the session (not one of its loaders', which keep
    /// their own deadline) within the session's timeout.
    pub(crate) async fn within_deadline<T>(
        &self,
        statement: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, DbError> {
        let statement = detect::within(self.inner.scope.as_ref(), statement);
        match self.inner.config.timeout() {
            None => Ok(statement.await?),
            Some(timeout) => match tokio::time::timeout(timeout, statement).await {
                Ok(done) => Ok(done?),
                Err(_) => Err(DbError::Timeout(timeout)),
            },
        }
    }

    /// The session's loader of relation `R`, made on first use.
    pub(crate) fn relation_loader<R: RelationOn<DB>>(&self) -> BatchLoader<RelationFetch<R, DB>> {
        self.loader(
            || {
                let fetch = RelationFetch::new(self.inner.pool.clone(), self.inner.scope.clone());
                match &self.inner.cache {
                    Some(cache) => {
                        BatchLoader::with_shared_cache(fetch, self.inner.config, cache.of::<R>())
                    }
                    None => BatchLoader::with_config(fetch, self.inner.config),
                }
            },
            |loader| {
                self.inner.registry.register(
                    <R::Child as super::Model>::TABLE,
                    invalidate::for_relation::<R>(loader.clone()),
                );
            },
        )
    }

    /// The session's loader of `M` by primary key, made on first use.
    pub(crate) fn key_loader<M: ModelRow<DB>>(&self) -> BatchLoader<KeyFetch<M, DB>> {
        self.loader(
            || {
                BatchLoader::with_config(
                    KeyFetch::new(self.inner.pool.clone(), self.inner.scope.clone()),
                    self.inner.config,
                )
            },
            |loader| {
                self.inner
                    .registry
                    .register(M::TABLE, invalidate::for_model::<M>(loader.clone()));
            },
        )
    }

    fn loader<F: BatchFn>(
        &self,
        make: impl FnOnce() -> BatchLoader<F>,
        register: impl FnOnce(&BatchLoader<F>),
    ) -> BatchLoader<F> {
        let mut loaders = self
            .inner
            .loaders
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(loader) = loaders.get(&TypeId::of::<F>()) {
            return loader
                .downcast_ref::<BatchLoader<F>>()
                .expect("one loader type per batch function")
                .clone();
        }
        let loader = make();
        loaders.insert(TypeId::of::<F>(), Arc::new(loader.clone()));
        drop(loaders);
        register(&loader);
        loader
    }
}

impl<DB: Engine> std::fmt::Debug for Session<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("strict", &self.inner.strict)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
