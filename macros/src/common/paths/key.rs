//! `unokit::__private::key`: keys of caches and loaders.

use super::RtPath;

const fn key(item: &'static str) -> RtPath {
    RtPath::new("key", item)
}

pub(crate) const CACHE_KEY: RtPath = key("CacheKey");
pub(crate) const KEY_SINK: RtPath = key("KeySink");
