//! `unokit::__private::task`: what the container's generated code names of the
//! task helpers.

use super::RtPath;

const fn task(item: &'static str) -> RtPath {
    RtPath::new("task", item)
}

pub(crate) const BOX_FUTURE: RtPath = task("BoxFuture");
pub(crate) const BOX_ERROR: RtPath = task("BoxError");
pub(crate) const POOL_STATS: RtPath = task("PoolStats");
