//! Behaviour of `#[cached]` through the facade, as users see it.
//!
//! Every cached function has one static cache, so each test owns its functions.

#[path = "cached/bytes.rs"]
mod bytes;
#[path = "cached/companions.rs"]
mod companions;
#[path = "cached/concurrency.rs"]
mod concurrency;
#[path = "cached/expiry.rs"]
mod expiry;
#[cfg(feature = "guard")]
#[path = "cached/guard.rs"]
mod guard;
#[path = "cached/keys.rs"]
mod keys;
#[path = "cached/methods.rs"]
mod methods;
#[path = "cached/panics.rs"]
mod panics;
#[path = "cached/policies.rs"]
mod policies;
#[path = "cached/prewarm.rs"]
mod prewarm;
#[path = "cached/results.rs"]
mod results;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

/// Counts how often a body ran.
#[derive(Default)]
pub struct Runs(AtomicUsize);

impl Runs {
    pub const fn new() -> Self {
        Self(AtomicUsize::new(0))
    }

    pub fn record(&self) {
        self.0.fetch_add(1, SeqCst);
    }

    pub fn count(&self) -> usize {
        self.0.load(SeqCst)
    }
}
