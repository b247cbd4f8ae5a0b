//! `unokit::__private::db`: models and their relations.

use super::RtPath;

const fn db(item: &'static str) -> RtPath {
    RtPath::new("db", item)
}

pub(crate) const MODEL: RtPath = db("Model");
pub(crate) const MODEL_ROW: RtPath = db("ModelRow");
pub(crate) const LOOKUP: RtPath = db("Lookup");
pub(crate) const NESTED_ROW: RtPath = db("NestedRow");
pub(crate) const NESTED_RELATION: RtPath = db("NestedRelation");
pub(crate) const JSON_COLUMN: RtPath = db("JsonColumn");
pub(crate) const JSON_ENCODING: RtPath = db("JsonEncoding");
pub(crate) const NEXT_COLUMN: RtPath = db("next_column");
/// serde's, re-exported so that the user's crate needs no serde of its own.
pub(crate) const SEQ_ACCESS: RtPath = db("SeqAccess");
pub(crate) const ENGINE: RtPath = db("Engine");
pub(crate) const COLUMN: RtPath = db("Column");
pub(crate) const KEY_COLUMN: RtPath = db("KeyColumn");
pub(crate) const STATEMENT_CELLS: RtPath = db("StatementCells");
pub(crate) const RELATED: RtPath = db("Related");
pub(crate) const RELATION: RtPath = db("Relation");
pub(crate) const RELATION_ON: RtPath = db("RelationOn");
pub(crate) const RELATION_KIND: RtPath = db("RelationKind");
pub(crate) const TARGET: RtPath = db("Target");
pub(crate) const ONE: RtPath = db("One");
pub(crate) const MANY: RtPath = db("Many");
pub(crate) const WITH: RtPath = db("With");
pub(crate) const SESSION: RtPath = db("Session");
pub(crate) const DB_ERROR: RtPath = db("DbError");
pub(crate) const SAME_KEY: RtPath = db("SameKey");
pub(crate) const ASSERT_MODEL: RtPath = db("assert_model");
pub(crate) const SAME_STR: RtPath = db("same_str");
/// sqlx's, re-exported so that the user's crate needs no sqlx of its own.
pub(crate) const DATABASE: RtPath = db("Database");
pub(crate) const ARGUMENTS: RtPath = db("Arguments");
pub(crate) const SQLX_ERROR: RtPath = db("Error");
pub(crate) const BOX_DYN_ERROR: RtPath = db("BoxDynError");
pub(crate) const SELECT_MODEL: RtPath = db("SelectModel");
pub(crate) const UNREAD: RtPath = db("Unread");
pub(crate) const READ_COLUMN: RtPath = db("ReadColumn");
pub(crate) const DEFAULT_STANDS_IN: RtPath = db("DefaultStandsIn");
pub(crate) const ALWAYS_READ: RtPath = db("AlwaysRead");
pub(crate) const FOLLOW: RtPath = db("Follow");
pub(crate) const FOLLOW_SELECTED: RtPath = db("FollowSelected");
pub(crate) const FOLLOW_NOT_SELECTABLE: RtPath = db("FollowNotSelectable");
/// A macro: its input once per engine unokit was built with.
pub(crate) const EACH_ENGINE: RtPath = db("each_engine");
pub(crate) const INCLUDE_FUTURE: RtPath = db("IncludeFuture");
pub(crate) const PICK: RtPath = db("Pick");
