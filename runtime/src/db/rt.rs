//! What `#[derive(Model)]` generates code against, and nothing else: the facade
//! re-exports this module as `unokit::__private::db`. Not public API.

pub use super::checks::{SameKey, assert_model, same_str};
pub use super::engine::{Column, Engine, KeyColumn};
pub use super::error::DbError;
pub use super::include::{IncludeFuture, With};
pub use super::model::{Lookup, Model, ModelRow};
pub use super::nested::{JsonColumn, NestedRelation, NestedRow, next_column};
pub use super::pushdown::{
    AlwaysRead, DefaultStandsIn, Follow, FollowNotSelectable, FollowSelected, ReadColumn,
    SelectModel, Unread,
};
pub use super::query::checks::{compares, nullable, text};
pub use super::query::{Filter, Like, Op, Order, Sort, Visit};
pub use super::related::Related;
pub use super::relation::{Many, One, Relation, RelationKind, RelationOn, Target};
pub use super::session::Session;
pub use super::sql::{JsonEncoding, StatementCells};
/// `#[derive(Model)]`'s impls per enabled engine.
pub use crate::__unokit_each_engine as each_engine;
pub use crate::select::rt::Pick;
pub use serde::de::SeqAccess;
pub use sqlx::error::BoxDynError;
pub use sqlx::{Arguments, Database, Error};
