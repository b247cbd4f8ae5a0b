//! `unokit::__private::batch`: batch loaders.

use super::RtPath;

const fn batch(item: &'static str) -> RtPath {
    RtPath::new("batch", item)
}

pub(crate) const BATCH_FN: RtPath = batch("BatchFn");
pub(crate) const BATCH_LOADER: RtPath = batch("BatchLoader");
pub(crate) const BATCH_STATS: RtPath = batch("BatchStats");
pub(crate) const LOAD: RtPath = batch("Load");
pub(crate) const LOAD_MANY: RtPath = batch("LoadMany");
pub(crate) const LOAD_ERROR: RtPath = batch("LoadError");
pub(crate) const LOADER_CACHE: RtPath = batch("LoaderCache");
pub(crate) const LOADER_CONFIG: RtPath = batch("LoaderConfig");
pub(crate) const SHARED_CACHE: RtPath = batch("SharedCache");
pub(crate) const ASSERT_BATCH_KEY: RtPath = batch("assert_batch_key");
pub(crate) const ASSERT_BATCH_VALUE: RtPath = batch("assert_batch_value");
pub(crate) const ASSERT_BATCH_ERROR: RtPath = batch("assert_batch_error");
