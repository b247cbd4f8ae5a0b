//! `unokit::__private::db`.

use super::RtPath;

const fn db(item: &'static str) -> RtPath {
    RtPath::new("db", item)
}
