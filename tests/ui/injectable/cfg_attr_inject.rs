// `#[inject(..)]` under `cfg_attr` is read like a bare one: an unknown option
// is reported, and more than three conditional defaults are refused.
use std::sync::Arc;
use unokit::injectable;

#[injectable(singleton, default)]
#[derive(Default)]
struct Config;

#[injectable(scoped)]
struct Typo {
    #[cfg_attr(all(), inject(defualt))]
    config: Arc<Config>,
}

#[injectable(scoped)]
struct Many {
    #[cfg_attr(feature = "a", inject(default))]
    a: u8,
    #[cfg_attr(feature = "b", inject(default))]
    b: u8,
    #[cfg_attr(feature = "c", inject(default))]
    c: u8,
    #[cfg_attr(feature = "d", inject(default))]
    d: u8,
}

fn main() {}
