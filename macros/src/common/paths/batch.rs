//! `unokit::__private::batch`.

use super::RtPath;

const fn batch(item: &'static str) -> RtPath {
    RtPath::new("batch", item)
}
