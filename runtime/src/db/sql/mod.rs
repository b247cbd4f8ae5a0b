//! The SQL unokit writes, in one place: each engine's placeholders and key
//! conditions ([`Dialect`]), identifier quoting, a model's statements (built
//! once per model and engine, see [`StatementCells`]), and the statements that
//! load relations.
//!
//! Only identifiers reach the text: table and column names written in a
//! `#[derive(Model)]` input, which the derive accepts only as letters, digits,
//! `_` (and one `.` for `schema.table`). Values are always bound.

mod dialect;
mod hops;
mod ident;
mod json;
#[cfg(feature = "sqlite")]
mod json_list;
mod load;
mod statements;

pub use dialect::{Dialect, JSON_LIST_OVER};
pub(crate) use hops::{Hop, hop, root_set};
pub(crate) use ident::push_quoted;
pub use json::JsonEncoding;
pub(crate) use json::{Node, Table, push_root_keys, push_root_order, tree};
#[cfg(feature = "sqlite")]
pub(crate) use json_list::json_list;
pub(crate) use load::{ManyToMany, many_to_many, select_where_in};
pub use statements::{StatementCells, Statements};
