//! Where instances live: one slot type per kind.

use super::service::Injectable;
use std::sync::{Arc, OnceLock};

/// What every slot can do, whatever its kind: the container and its builder
/// handle slots through this without knowing the kind.
pub trait ServiceSlot<S>: Default + Send + Sync {
    /// Whether the slot holds an instance.
    fn is_filled(&self) -> bool;
    /// Stores an instance built by `build()`, or supplied by a test.
    fn fill(&mut self, value: Arc<S>);
    /// Empties the slot, for a pooled scope's next use.
    fn reset(&mut self);
}

/// An eager singleton's slot: filled by `build()` before anyone can resolve, so
/// a resolve is a plain `Arc` clone after one (always taken) branch.
#[derive(Debug)]
pub struct EagerSlot<S>(Option<Arc<S>>);

impl<S: Injectable> EagerSlot<S> {
    /// The instance.
    #[inline(always)]
    pub fn get(&self) -> &Arc<S> {
        match &self.0 {
            Some(value) => value,
            None => not_built(S::NAME),
        }
    }
}

#[cold]
#[inline(never)]
fn not_built(service: &str) -> ! {
    panic!(
        "`{service}` was resolved before build() made it: a dependency the container did not declare"
    )
}

impl<S> Default for EagerSlot<S> {
    fn default() -> Self {
        Self(None)
    }
}

impl<S: Injectable> ServiceSlot<S> for EagerSlot<S> {
    fn is_filled(&self) -> bool {
        self.0.is_some()
    }

    fn fill(&mut self, value: Arc<S>) {
        self.0 = Some(value);
    }

    fn reset(&mut self) {
        self.0 = None;
    }
}

/// A lazy singleton's slot, or a scoped service's in one scope: built on first
/// resolve, once, also when many tasks resolve it at once (the others wait for
/// the first).
#[derive(Debug)]
pub struct OnceSlot<S>(OnceLock<Arc<S>>);

impl<S> OnceSlot<S> {
    /// The instance, built by `init` if there is none yet.
    #[inline(always)]
    pub fn get_or_init(&self, init: impl FnOnce() -> Arc<S>) -> &Arc<S> {
        self.0.get_or_init(init)
    }
}

impl<S> Default for OnceSlot<S> {
    fn default() -> Self {
        Self(OnceLock::new())
    }
}

impl<S: Injectable> ServiceSlot<S> for OnceSlot<S> {
    fn is_filled(&self) -> bool {
        self.0.get().is_some()
    }

    fn fill(&mut self, value: Arc<S>) {
        self.0 = OnceLock::from(value);
    }

    fn reset(&mut self) {
        self.0.take();
    }
}

/// No slot: the kind keeps nothing at this level.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSlot;

impl<S> ServiceSlot<S> for NoSlot {
    fn is_filled(&self) -> bool {
        false
    }

    fn fill(&mut self, _: Arc<S>) {}

    fn reset(&mut self) {}
}
