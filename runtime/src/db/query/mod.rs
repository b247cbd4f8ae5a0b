//! Typed filters, sorting and pagination: list endpoints without hand-written SQL.
//!
//! `#[derive(Filter)]` turns a struct of `Option` fields (typically a query
//! string, through `serde`) into conditions on a model's columns, each checked
//! against the model at compile time. [`Query::filter`](crate::db::Query::filter)
//! runs it, composed with sorting ([`Order`]), pagination ([`Page`]) and
//! `include`:
//!
//! - values are always bound, never spliced; `starts_with`/`contains` escape
//!   `%`, `_` and `\` in the bound value and say `ESCAPE '\'`;
//! - the text is the same on SQLite and PostgreSQL but for placeholders and
//!   `IN` lists, both written by the SQL dialect: one array bound to
//!   `= ANY($n)` on PostgreSQL; on SQLite `IN (?, …)` up to
//!   [`JSON_LIST_OVER`] values, and past it one JSON array bound to
//!   `IN (SELECT … FROM json_each(?))`, so that a list of any length fits one
//!   statement (SQLite binds at most 32 766 parameters);
//! - a filter's text is built once per *shape* (which conditions are set, and
//!   on SQLite how long each short `IN` list is) and reused: a query after the
//!   first of its shape only binds.

mod build;
mod cached;
#[doc(hidden)]
pub mod checks;
mod filter;
mod select;
#[cfg(feature = "redis")]
mod shared;
mod sort;

pub use crate::db::sql::JSON_LIST_OVER;
pub use cached::QueryCache;
pub use filter::{Filter, Like, Op, Visit, escape_like};
pub use select::{Filtered, Order, Page, statement};
pub use sort::Sort;
