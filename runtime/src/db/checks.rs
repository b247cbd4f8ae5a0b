//! Bound checks that `#[derive(Model)]` places at the user's tokens, so that a
//! wrong relation is reported there, in words about models.

use super::model::Model;

/// Two key types that must be the same.
#[diagnostic::on_unimplemented(
    message = "this key has type `{Self}`, but the key it refers to has type `{K}`",
    label = "expected `{K}`",
    note = "a foreign key has the type of the primary key it refers to"
)]
pub trait SameKey<K> {
    /// The key, cloned.
    fn to_key(&self) -> K;
}

impl<K: Clone> SameKey<K> for K {
    #[inline]
    fn to_key(&self) -> K {
        self.clone()
    }
}

/// Fails to compile unless `M` is a model.
pub const fn assert_model<M: Model>() {}

/// `a == b`, at compile time.
#[must_use]
pub const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut at = 0;
    while at < a.len() {
        if a[at] != b[at] {
            return false;
        }
        at += 1;
    }
    true
}
