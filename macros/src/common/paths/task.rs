//! `unokit::__private::task`.

use super::RtPath;

const fn task(item: &'static str) -> RtPath {
    RtPath::new("task", item)
}
