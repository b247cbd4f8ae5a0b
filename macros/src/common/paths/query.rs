//! `unokit::__private::db`: typed filters (`#[derive(Filter)]`).

use super::RtPath;

const fn db(item: &'static str) -> RtPath {
    RtPath::new("db", item)
}

pub(crate) const FILTER: RtPath = db("Filter");
pub(crate) const VISIT: RtPath = db("Visit");
pub(crate) const OP: RtPath = db("Op");
pub(crate) const LIKE: RtPath = db("Like");
pub(crate) const COMPARES: RtPath = db("compares");
pub(crate) const TEXT: RtPath = db("text");
pub(crate) const NULLABLE: RtPath = db("nullable");
pub(crate) const SORT: RtPath = db("Sort");
pub(crate) const ORDER: RtPath = db("Order");
