//! `unokit::__private::di`.

use super::RtPath;

const fn di(item: &'static str) -> RtPath {
    RtPath::new("di", item)
}
