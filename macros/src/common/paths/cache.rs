//! `unokit::__private::cache`.

use super::RtPath;

const fn cache(item: &'static str) -> RtPath {
    RtPath::new("cache", item)
}
