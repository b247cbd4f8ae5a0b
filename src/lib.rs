//! # unokit
//!
//! Procedural macros that turn a web service's performance plan into annotations,
//! generating the code an expert would write by hand.
//!
//! - [`#[cached]`](macro@cached) memoizes a function on a [moka] cache, keyed at
//!   compile time from its arguments.
//! - [`#[derive(CacheKey)]`](derive@CacheKey) gives your types a compact,
//!   collision-free key and a stable 64-bit fingerprint.
//! - [`#[injectable]`](macro@injectable) and [`#[container]`](macro@container)
//!   generate a dependency-injection container whose resolution paths are field
//!   accesses, with singleton, scoped and transient lifetimes; [`task`] has the
//!   task group, cleanup guard and object pool it runs on.
//! - [`#[partial_response]`](macro@partial_response) serializes only the fields a
//!   client selected (`?fields=`); [`select`] has the selections and streaming, and
//!   `http` (feature `axum`) the extractor, response cache and middleware.
//! - [`#[batch_load]`](macro@batch_load) turns a "load many by keys" function into a
//!   batch loader (a `DataLoader`): N+1 loads become one call per batch.
//! - [`#[derive(Model)]`](derive@Model) maps a row struct to a table on sqlx
//!   (SQLite; PostgreSQL with the `postgres` feature), with relations loaded eagerly
//!   or lazily through batch loaders: one statement per relation hop.
//!
//! List `unokit` alone in `Cargo.toml`: generated code reaches moka and the runtime
//! through this crate. To read what a macro generated, run `cargo expand`
//! (`cargo install cargo-expand`) on the module that uses it.
//!
//! [moka]: https://docs.rs/moka
#![deny(missing_docs)]

pub use unokit_runtime::{batch, cache, db, di, key, select, task};

#[cfg(feature = "axum")]
pub use unokit_runtime::http;

/// The key of a cache entry: derive it with `#[derive(CacheKey)]`.
///
/// See [`key::CacheKey`] for what is implemented and what the fingerprint promises.
pub use unokit_runtime::CacheKey;

/// Memoizes a function on a moka cache whose key is computed at compile time.
///
/// ```
/// use unokit::cached;
///
/// #[cached(capacity = 1_000, ttl = "5m")]
/// fn slow_square(n: u64) -> u64 {
///     n * n
/// }
///
/// assert_eq!(slow_square(12), 144); // runs the body
/// assert_eq!(slow_square(12), 144); // a hit
/// let stats = slow_square_cache().stats();
/// assert_eq!((stats.hits, stats.misses), (1, 1));
/// ```
///
/// # The key
///
/// The arguments form the key, in order. A borrowed argument (`&str`, `&[T]`,
/// `&T`) is stored in its owned form (`String`, `Vec<T>`, `T`) but looked up
/// without building it: a hit compares the stored key with the borrowed
/// arguments with [`CacheKey::key_eq`], after finding it by their
/// [`CacheKey::fingerprint`]. Every key argument must implement [`CacheKey`], and
/// `Clone` (or `ToOwned`, for a borrowed one) to be stored.
///
/// - `#[cache(skip)]` on a parameter leaves it out of the key (a database handle,
///   say). It is still passed to the body.
/// - `self` is left out of a method's key. `#[cached(key_self)]` puts it in:
///   `Self` must then implement `CacheKey` and `Clone`.
/// - `#[cached(key = <expr>)]` replaces the key with any expression of the
///   arguments whose type implements `CacheKey`, `Send` and `Sync` and is
///   `'static`. It is evaluated on every call. Required when a key argument's
///   type is generic or `impl Trait`.
///
/// # Options
///
/// | option | meaning |
/// |---|---|
/// | `capacity = 10_000` | maximum entries (default [`CacheConfig::DEFAULT_CAPACITY`](cache::CacheConfig::DEFAULT_CAPACITY)); moka evicts the least useful |
/// | `ttl = "5m"` | entries expire this long after they were stored (`ms`, `s`, `m`, `h`, `d`) |
/// | `tti = "30s"` | entries expire after going unread this long; every hit then goes through moka |
/// | `key = <expr>` | a custom key, see above |
/// | `key_self` | put `&self` into a method's key |
/// | `cache_none` | cache `None` results too (negative caching) |
/// | `result`, `option` | treat a return type alias as a `Result` or an `Option` |
/// | `in_impl` | required on an associated function *without* `self` inside an `impl` block: the macro cannot see the `impl` |
///
/// # Results and options
///
/// A function returning `Result<T, E>` caches `Ok` values only; one returning
/// `Option<T>` caches `Some` values only, unless `cache_none` is given. The return
/// type is recognised by its last path segment (`Result`, `io::Result`,
/// `anyhow::Result`): write `result` or `option` for an alias with another name.
///
/// # Concurrency
///
/// Calls that miss on one key are single-flight: one runs the body, the others
/// wait (blocking for a sync function, awaiting for an `async` one) and get its
/// value. Calls on different keys never wait for each other. When the value is
/// not cached (an `Err`, a `None`), the callers that waited run the body
/// themselves, since an error cannot in general be cloned.
///
/// # Companions
///
/// Beside `fn name`, with the same visibility (and `async` where the function is):
///
/// | companion | does |
/// |---|---|
/// | `name_cache()` | the [`SyncFnCache`](cache::SyncFnCache) or [`AsyncFnCache`](cache::AsyncFnCache): `stats()`, `entry_count()`, `run_pending_tasks()` |
/// | `name_invalidate(key args)` | removes the entry for these arguments (the function's, minus skipped ones) |
/// | `name_invalidate_all()` | removes every entry |
/// | `name_prime(key args, value)` | stores `value` for these arguments |
/// | `name_uncached(args)` | runs the body, bypassing the cache |
///
/// ```
/// use unokit::cached;
///
/// struct Db;
///
/// #[cached(ttl = "1m")]
/// async fn profile(#[cache(skip)] db: &Db, user_id: u64, lang: &str) -> Result<String, String> {
///     Ok(format!("profile {user_id} in {lang}"))
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// profile_prime(7, "en", "primed".to_owned()).await;
/// assert_eq!(profile(&Db, 7, "en").await.unwrap(), "primed");
/// profile_invalidate(7, "en").await;
/// assert_eq!(profile(&Db, 7, "en").await.unwrap(), "profile 7 in en");
/// # });
/// ```
///
/// # Limits
///
/// The cache lives in a `static` inside the companion `name_cache()`, so the
/// cached value type must be concrete, owned and `'static`, and must not name
/// `Self` (write the type's name). One cache serves every instance: in a generic
/// `impl`, or for methods of different values, add `key_self` or a `key` to tell
/// them apart. `#[cached]` cannot be used in a trait impl, whose items are fixed
/// by the trait.
pub use unokit_macros::cached;

/// Derives [`CacheKey`]: fields in declaration order, an enum's variant position
/// before its fields; `#[cache_key(skip)]` leaves a field out. Type parameters
/// must implement `CacheKey`.
///
/// ```
/// use unokit::CacheKey;
///
/// #[derive(CacheKey)]
/// enum Lookup {
///     ById(u64),
///     ByName { name: String, #[cache_key(skip)] trace: u64 },
/// }
///
/// let a = Lookup::ByName { name: "ada".into(), trace: 1 };
/// let b = Lookup::ByName { name: "ada".into(), trace: 2 };
/// assert_eq!(a.fingerprint(), b.fingerprint());
/// assert_ne!(Lookup::ById(1).key_bytes(), Lookup::ById(2).key_bytes());
/// ```
pub use unokit_macros::CacheKey;

/// Serializes a struct under a client's `fields` selection, writing only the
/// selected fields: the rest are never serialized.
///
/// Put it above `#[derive(Serialize)]` on a struct with named fields. It
/// implements [`select::Object`] (a static schema of the serialized fields, after
/// serde's `rename`, `rename_all`, `skip` and `skip_serializing_if`) and
/// [`select::Selectable`] (a serializer that consults a compiled
/// [`select::Selection`]: it writes a map of exactly the selected fields, hands
/// each child its own part of the selection, and works with any serde
/// serializer). Selecting everything uses your `Serialize` impl as it is.
///
/// ```
/// use unokit::partial_response;
/// use unokit::select::{Fields, Selectable, Selection};
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct UserOut {
///     id: u64,
///     display_name: String,
///     #[serde(skip_serializing_if = "Option::is_none")]
///     bio: Option<String>,
///     posts: Vec<PostOut>,
/// }
///
/// #[partial_response]
/// #[derive(serde::Serialize)]
/// struct PostOut { title: String, likes: u32 }
///
/// let user = UserOut { id: 1, display_name: "Ada".into(), bio: None, posts: vec![PostOut { title: "Hi".into(), likes: 3 }] };
///
/// // Parse and check once (per request), serialize any number of values.
/// let selection: Selection<UserOut> = Fields::parse("displayName,bio,posts/title")?.compile()?;
/// let json = serde_json::to_string(&user.select(&selection)).unwrap();
/// assert_eq!(json, r#"{"displayName":"Ada","posts":[{"title":"Hi"}]}"#);
///
/// // Push the selection down: fetch only what is wanted.
/// assert!(selection.wants("posts/title") && !selection.wants("posts/likes"));
/// assert_eq!(selection.columns(), ["display_name", "bio", "posts"]);
/// # Ok::<(), unokit::select::FieldsError>(())
/// ```
///
/// # Field types
///
/// Each field's type must implement [`select::Selectable`]: scalars, strings,
/// `Option`, `Vec`, slices, sets, `Box`, `Rc`, `Arc`, `Cow`, references, maps
/// with string or integer keys, `serde_json::Value`, and other
/// `#[partial_response]` structs do. Lists, options and pointers are
/// transparent; maps are selected into by key. Mark a field of any other
/// `Serialize` type `#[partial(leaf)]` to serialize it whole (it can then be
/// selected, not selected into).
///
/// # Field options
///
/// | option | meaning |
/// |---|---|
/// | `#[partial(leaf)]` | serialize the field whole; its type need only implement `Serialize` |
/// | `#[partial(column = "name")]` | the column [`Selection::columns`](select::Selection::columns) reports (default: the Rust field name) |
/// | `#[partial(no_column)]` | the field is computed, not read from a column |
///
/// # Limits
///
/// Generic type parameters must implement `Selectable`. Enums, unions, tuple
/// and unit structs are refused, and so are the serde attributes whose output a
/// static schema cannot describe: `flatten`, `serialize_with`/`with`,
/// `getter`, and on the struct `transparent`, `into`, `remote` and `tag`.
pub use unokit_macros::partial_response;

/// Declares a service of a [`#[container]`](macro@container): its lifetime, and
/// how it is built.
///
/// ```
/// use std::sync::Arc;
/// use unokit::{container, injectable};
///
/// #[injectable(singleton, eager, factory = Config::load)] // one per container, built by build()
/// struct Config { url: String }
/// impl Config {
///     fn load() -> Result<Self, std::env::VarError> {
///         Ok(Self { url: "postgres://localhost/app".into() })
///     }
/// }
///
/// #[injectable(scoped)] // one per scope (a request)
/// struct UnitOfWork { config: Arc<Config> }
///
/// #[injectable(transient)] // a new one on each resolve
/// struct Handler { uow: Arc<UnitOfWork>, config: Arc<Config> }
///
/// #[container(Config, UnitOfWork, Handler)]
/// struct App;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let app = App::build().await?;
/// let scope = app.scope();
/// let handler: Handler = scope.resolve();
/// assert!(Arc::ptr_eq(&handler.uow, &scope.resolve::<Arc<UnitOfWork>>()));
/// scope.close().await;
/// # Ok::<(), unokit::di::BuildError>(())
/// # }).unwrap();
/// ```
///
/// # Lifetimes
///
/// | option | instance | built | may depend on |
/// |---|---|---|---|
/// | `singleton, eager` | one per container | by `build()`, independent ones concurrently; the factory may be `async` and fail | singletons |
/// | `singleton` | one per container | on first resolve | singletons |
/// | `scoped` | one per scope | on first resolve in the scope, once even under concurrent resolves | anything |
/// | `transient` | one per resolve | on every resolve | anything |
///
/// A singleton that depends on a scoped or transient service is a compile error
/// (a captive dependency), as is any dependency the container does not list.
///
/// # How it is built
///
/// - By default, field by field: each field is a dependency. Inject a singleton or
///   scoped service as `Arc<Service>`, a transient one as `Service` (or
///   `Arc<Service>`), a trait bound in the container as `Arc<dyn Trait>`. A field
///   marked `#[inject(default)]` gets `Default::default()` instead.
/// - `default`: the whole struct from `Default::default()`.
/// - `factory = path` / `factory = async path`: a function without parameters
///   returning the service or `Result<Service, E>`.
/// - On a free function instead of a struct: the function is the factory, its
///   parameters are injected, and it returns the service (or a `Result` of it):
///
/// ```
/// use std::sync::Arc;
/// use unokit::{container, injectable};
///
/// #[injectable(singleton, eager, default)]
/// struct Settings { pool_size: usize }
/// impl Default for Settings { fn default() -> Self { Self { pool_size: 4 } } }
///
/// struct Db { connections: usize }
///
/// #[injectable(singleton, eager)]
/// async fn connect(settings: Arc<Settings>) -> Result<Db, std::io::Error> {
///     Ok(Db { connections: settings.pool_size })
/// }
///
/// #[container(Settings, Db)]
/// struct App;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert_eq!(App::build().await?.resolve_ref::<Db>().connections, 4);
/// # Ok::<(), unokit::di::BuildError>(())
/// # }).unwrap();
/// ```
///
/// Only an eager singleton's factory may be `async` or fail: it runs in
/// `build()`, which reports the error with the service's name. Other services are
/// made on resolve, which neither waits nor fails.
///
/// # Disposal
///
/// `dispose` makes the container call the type's [`di::Dispose`] impl when its
/// scope (or, for a singleton, the container) is closed: services are disposed
/// of in reverse creation order, each cleanup awaited before the next.
pub use unokit_macros::injectable;

/// Turns a unit struct into a dependency-injection container for the listed
/// [`#[injectable]`](macro@injectable) services, with a scope type
/// (`NameScope`) and a builder (`NameBuilder`).
///
/// ```
/// use std::sync::Arc;
/// use unokit::{container, injectable};
///
/// trait Repo: Send + Sync { fn find(&self, id: u64) -> String; }
///
/// #[injectable(singleton)]
/// struct PgRepo;
/// impl Repo for PgRepo { fn find(&self, id: u64) -> String { format!("row {id}") } }
///
/// struct FakeRepo;
/// impl Repo for FakeRepo { fn find(&self, _: u64) -> String { "fake".into() } }
///
/// #[injectable(scoped)]
/// struct Orders { repo: Arc<dyn Repo> }
///
/// #[container(Orders, dyn Repo = PgRepo)]
/// pub struct App;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let app = App::build().await?;
/// assert_eq!(app.scope().resolve::<Arc<Orders>>().repo.find(7), "row 7");
///
/// // In a test: replace one binding, keep the rest.
/// let test_app = App::builder().replace_binding::<dyn Repo>(Arc::new(FakeRepo)).build().await?;
/// assert_eq!(test_app.scope().resolve::<Arc<Orders>>().repo.find(7), "fake");
/// # Ok::<(), unokit::di::BuildError>(())
/// # }).unwrap();
/// ```
///
/// # What it generates
///
/// For `#[container(..)] pub struct App;`:
///
/// | item | does |
/// |---|---|
/// | `App::build().await` | checks the graph (a cycle is an error naming its path, `A -> B -> A`), makes the eager singletons (independent ones concurrently), returns `Arc<App>`; on a failure, disposes of what was made and returns the error with the service's name |
/// | `App::builder()` | `.replace::<S>(Arc<S>)` a singleton, `.replace_binding::<dyn T>(Arc<dyn T>)`, `.scope_pool(n)`, then `.build().await` |
/// | `app.resolve::<Arc<S>>()`, `app.resolve_ref::<S>()` | a singleton |
/// | `app.scope()` | a new `AppScope`, its slots taken from a pool |
/// | `scope.resolve::<H>()` | `Arc<S>` for a singleton or scoped service, `S` or `Arc<S>` for a transient one, `Arc<dyn T>` for a binding |
/// | `scope.resolve_ref::<S>()` | borrows a singleton or scoped service |
/// | `scope.close().await`, `app.close().await` | async disposal, newest first; dropping does it detached |
///
/// Each resolution is a generated impl whose body is a slot access: a field
/// holding the eager singleton's `Arc`, a `OnceLock` per scope for a scoped
/// service, a constructor call for a transient one. No map, no `TypeId`. The
/// container and its scopes are `Send + Sync` (services must be).
pub use unokit_macros::container;

/// Generates a batch loader (a `DataLoader`) for an `async fn` that loads many
/// values by their keys: the loads made while a batch is open become one call.
///
/// ```
/// use std::collections::HashMap;
/// use unokit::batch_load;
///
/// /// Stands in for a connection pool.
/// struct Db {
///     names: HashMap<i64, String>,
/// }
///
/// #[batch_load(max_batch = 500, window = "1ms")]
/// async fn names_by_id(#[ctx] db: &Db, ids: &[i64]) -> Result<HashMap<i64, String>, std::io::Error> {
///     // One query for the whole batch: `SELECT id, name FROM users WHERE id IN (...)`.
///     Ok(ids.iter().filter_map(|id| Some((*id, db.names.get(id)?.clone()))).collect())
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let db = Db { names: HashMap::from([(1, "ada".to_owned()), (2, "grace".to_owned())]) };
/// let loader = NamesByIdLoader::new(db); // one per request
/// let (ada, grace, nobody) = futures::join!(loader.load(1), loader.load(2), loader.load(3));
/// assert_eq!(ada.unwrap().as_deref(), Some("ada"));
/// assert_eq!(grace.unwrap().as_deref(), Some("grace"));
/// assert_eq!(nobody.unwrap(), None); // missing from the map: `None`, not an error
/// assert_eq!(loader.stats().batches, 1); // three loads, one call
/// # });
/// ```
///
/// # The function
///
/// An `async fn`, not a method, not generic, taking:
/// - any number of `#[ctx]` arguments, which the loader stores and passes to
///   every call: `#[ctx] pool: &Pool` is stored as a `Pool` and lent to each
///   call; an owned `#[ctx] pool: Pool` is cloned for each call;
/// - one keys parameter `&[K]`: the distinct keys of one batch, at most
///   `max_batch` of them. `K` must be `Hash + Eq + Clone + Send + Sync +
///   'static`: integers, strings, tuples, your own types (derive `Hash`,
///   `PartialEq`, `Eq`, `Clone`, and `CacheKey` if they key caches too);
///
/// and returning `Result<HashMap<K, V>, E>`, or `HashMap<K, V>` / `BTreeMap<K, V>`
/// alone. A key missing from the map loads as `Ok(None)`. `V` must be `Clone`
/// (return `Arc<V>` if cloning is costly); `E` need not be.
///
/// # The loader type
///
/// `names_by_id` gets `NamesByIdLoader` (the function's name in `UpperCamelCase`
/// and `Loader`; `loader = Name` chooses another), with the function's
/// visibility, and `NamesByIdLoaderFn`, the batch function with its context:
///
/// | item | does |
/// |---|---|
/// | `new(ctx args)` | a loader with the attribute's configuration (`Default` when there is no context) |
/// | `with_shared_cache(ctx args, cache)` | a loader whose values live in a [`batch::SharedCache`] other loaders share |
/// | `load(key)` | the key's value, `Result<Option<V>, LoadError<E>>`, from the next batch or the cache |
/// | `load_many(keys)` | `Result<HashMap<K, V>, LoadError<E>>`, in as few batches as `max_batch` allows |
/// | `prime(key, value)`, `clear(&key)`, `clear_all()` | the cache by hand |
/// | `stats()` | [`batch::BatchStats`]: loads, cache hits, batches, keys per batch |
/// | `CONFIG` | the [`batch::LoaderConfig`] the options give |
///
/// The contract (one call per open batch, `max_batch` as a hard cap, keys fetched
/// once even against batches in flight, errors and panics reaching every waiter,
/// cancellation) is [`batch::BatchLoader`]'s. Loads must run on a Tokio runtime:
/// each batch runs in a task of its own.
///
/// # Options
///
/// | option | meaning |
/// |---|---|
/// | `max_batch = 500` | at most this many keys per call (default 1000); a full batch is dispatched at once |
/// | `window = "1ms"` | how long a batch stays open after its first key (default: until the loading task yields) |
/// | `capacity = 10_000`, `ttl = "5m"` | cache on moka, bounded: for a loader shared between requests |
/// | `no_cache` | cache nothing; keys still share batches in flight |
/// | `loader = AuthorLoader` | the loader type's name |
///
/// # Per request or shared
///
/// By default the cache lives as long as the loader and is unbounded: make a
/// loader per request. To share loaded values between requests, either keep one
/// loader (in your application state) and bound it with `capacity`/`ttl`, or
/// make loaders per request with `with_shared_cache` over one
/// [`batch::SharedCache`], which you can also invalidate when you write.
pub use unokit_macros::batch_load;

/// Maps a row struct to a table: column list, statements for each engine, row
/// mapping, and relation fields loaded through batch loaders. The runtime side
/// is [`db`]: load models through a [`db::Session`].
///
/// ```
/// use unokit::Model;
/// use unokit::db::{Related, Session};
/// use unokit::db::sqlx::sqlite::SqlitePoolOptions;
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
///     title: String,
///     author_id: i64,
///     #[model(belongs_to(Author, key = author_id))]
///     author: Related<Author>,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let pool = SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await?;
/// unokit::db::sqlx::raw_sql(
///     "CREATE TABLE authors (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
///      CREATE TABLE posts (id BIGINT PRIMARY KEY, title TEXT NOT NULL, author_id BIGINT NOT NULL);",
/// )
/// .execute(&pool)
/// .await?;
/// let session = Session::new(pool); // one per request
/// session.insert(&Author { id: 1, name: "ada".into() }).await?;
/// for id in 1..=3 {
///     let title = format!("post {id}");
///     session.insert(&Post { id, title, author_id: 1, author: Related::default() }).await?;
/// }
///
/// // Eagerly: one statement for the posts, one for all their authors.
/// let posts = session.query::<Post>().include(Post::AUTHOR).all().await?;
/// assert_eq!(posts[2].author.get()?.name, "ada");
///
/// // Lazily: explicit, and batched with concurrent lazy loads.
/// let mut post = session.find::<Post>(2).await?.expect("post 2");
/// assert!(post.author.get().is_err()); // not loaded: an error, never a hidden query
/// assert_eq!(Post::AUTHOR.load(&session, &mut post).await?.name, "ada");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
///
/// # The struct
///
/// `#[model(table = "posts")]` names the table (letters, digits, `_`,
/// optionally `schema.table`). Each field is a column of the same name, except
/// relation fields. One field is `#[model(primary_key)]`. The struct must be
/// `Clone`; column types are sqlx's (`i64`, `String`, `bool`, `f64`,
/// `Option<T>`, …).
///
/// # Relations
///
/// | attribute | field | loads |
/// |---|---|---|
/// | `belongs_to(Author, key = author_id)` | `Related<Author>` | the author whose key is this row's `author_id` |
/// | `has_many(Comment, foreign_key = post_id)` | `Related<Vec<Comment>>` | the comments whose `post_id` is this row's key, by key |
/// | `many_to_many(Tag, through = "post_tags", local = post_id, remote = tag_id)` | `Related<Vec<Tag>>` | the tags paired with this row in the join table, by key |
///
/// Each relation gets a constant on the model, `Post::AUTHOR` (of the generated
/// type `PostAuthorRelation`), with which to include it in a query
/// (`.include(Post::COMMENTS.with(Comment::AUTHOR))`, nested as deep as needed)
/// or load it lazily (`Post::AUTHOR.load(&session, &mut post)`). Every hop is
/// one statement for all the parents of the hop, through the session's batch
/// loaders. A relation field starts not loaded; reading it then is an error.
///
/// # Selective loading
///
/// A partial model selects some columns of a table:
/// `#[model(table = "posts", partial_of = Post)]` on a struct whose fields are
/// some of `Post`'s. Each field is checked against `Post` at compile time (a
/// misspelt or mistyped field is a compile error at that field), and only its
/// columns are selected. Partial models have relations of their own, to other
/// partial models, so that related rows are selected partially too, with the
/// same batching.
///
/// # Generated
///
/// `impl unokit::db::Model` (the key, the table, the columns, and the
/// statements for SQLite and PostgreSQL as `&'static str`s), `impl
/// unokit::db::ModelRow<DB>` for every engine whose column types fit (row
/// mapping, parameter binding), and per relation a `Relation` type with its
/// constant. `cargo expand` shows them.
pub use unokit_macros::Model;

/// Paths for generated code. Not public API: anything here may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use unokit_runtime::cache::mode::{Always, OkOnly, SomeOnly};
    pub use unokit_runtime::cache::{AnyKey, AsyncFnCache, CacheConfig, SyncFnCache};
    pub use unokit_runtime::key::{CacheKey, Fingerprinter, KeySink};

    /// What `#[partial_response]` generates code against.
    pub mod select {
        pub use serde::ser::{Error, SerializeMap};
        pub use serde::{Serialize, Serializer};
        pub use unokit_runtime::select::{
            FieldSchema, Node, Object, Pick, Schema, Selectable, Selected, Shape, leaf_shape,
        };
    }

    pub use unokit_runtime::{di, task};

    pub use unokit_runtime::batch::checks::{
        assert_batch_error, assert_batch_key, assert_batch_value,
    };
    pub use unokit_runtime::batch::{
        BatchFn, BatchLoader, BatchStats, Load, LoadMany, LoaderCache, LoaderConfig, SharedCache,
    };

    /// What `#[derive(Model)]` names.
    pub mod db {
        pub use unokit_runtime::db::checks::{SameKey, assert_model, same_str};
        pub use unokit_runtime::db::sqlx::error::BoxDynError;
        pub use unokit_runtime::db::sqlx::{Arguments, Database, Error};
        pub use unokit_runtime::db::{
            Column, DbError, Engine, KeyColumn, Many, Model, ModelRow, One, Related, Relation,
            RelationOn, Session, Shape, Statements, Target, With,
        };
    }
}

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
