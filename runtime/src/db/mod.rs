//! Models and relation loading on sqlx: the backend of `#[derive(Model)]`.
//!
//! `#[derive(Model)]` maps a row struct to a table at compile time: its table,
//! key and column names, and row mapping; each engine's statements (SQLite `?`,
//! PostgreSQL `$n`) are built from those names once, on first use. Relation
//! fields (`belongs_to`, `has_many`, `many_to_many`) are [`Related`] values,
//! loaded through the batch loaders of a [`Session`]:
//!
//! - **eagerly**, with [`Session::query`] and `include`: one statement per
//!   relation hop, however many parents, nested as deep as wanted;
//! - **nested**, with `.nested()` on such a query: the rows and every relation
//!   they include on one connection, without the loaders ([`NestedQuery`]):
//!   each hop's plain statement in turn (on SQLite stepped on the caller's
//!   thread and read straight into the models, with no sqlx row in between),
//!   or one statement whose result is a JSON document the database builds;
//! - **with concurrent hops**, with `.concurrent()` on such a query: one
//!   statement per hop as eagerly, but all sent at once, each hop naming its
//!   parents by their statement ([`ConcurrentQuery`]);
//! - **lazily**, with a relation's `load`: an explicit call (reading an unloaded
//!   relation is an error, never a silent query) that still batches with the
//!   concurrent lazy loads of other tasks; a [strict](Session::strict) session
//!   refuses lazy loads, for tests that guard against N+1 queries.
//!
//! Loaded relations can be cached across sessions in a [`RelationCache`], kept
//! fresh by the session's `insert`, `update` and `delete`.
//!
//! Query results can be cached across sessions in a [`QueryCache`], kept fresh
//! by [`Changes`]: table versions the database itself bumps, for every writer.
//!
//! SQLite (bundled) is always available; PostgreSQL comes with the `postgres`
//! feature. Statements only ever contain identifiers written in the derive's
//! input, quoted, and placeholders: values are always bound.

mod cache;
mod changes;
mod checks;
mod concurrent;
pub mod detect;
mod engine;
mod error;
mod include;
mod invalidate;
mod model;
mod nested;
mod pushdown;
pub mod query;
mod related;
mod relation;
#[doc(hidden)]
pub mod rt;
mod session;
mod sql;

pub use cache::RelationCache;
pub use changes::{Changes, Stamp, Watch, WatchConfig, Watcher};
pub use concurrent::{ConcurrentInclude, ConcurrentQuery};
pub use engine::{Column, Engine, StatementFuture};
pub use error::DbError;
pub use include::{Chain, Include, IncludeFuture, Query, With};
pub use model::{Lookup, Model, ModelRow};
pub use nested::{
    JsonColumn, NestedArity, NestedEngine, NestedInclude, NestedQuery, NestedRelation, NestedRow,
};
pub use pushdown::{SelectModel, SelectedQuery};
pub use query::QueryCache;
pub use related::{NotLoaded, Related};
pub use relation::{Relation, RelationOn, Target};
pub use session::Session;
pub use sql::{JsonEncoding, Statements};

/// The sqlx unokit's models run on: use it for pools and connect options, so that
/// the versions match.
pub use sqlx;
