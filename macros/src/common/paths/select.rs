//! `unokit::__private::select`.

use super::RtPath;

const fn select(item: &'static str) -> RtPath {
    RtPath::new("select", item)
}
