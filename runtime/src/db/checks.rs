//! Bound checks that `#[derive(Model)]` places at the user's tokens, so that a
//! wrong relation is reported there, in words about models.

use super::model::Model;
use std::marker::PhantomData;

/// Two key types that must be the same.
#[diagnostic::on_unimplemented(
    message = "this key has type `{Self}`, but the key it refers to has type `{K}`",
    label = "expected `{K}`",
    note = "a foreign key has the type of the primary key it refers to"
)]
pub trait SameKey<K> {}

impl<K> SameKey<K> for K {}

/// Fails to compile unless `M` is a model.
pub const fn assert_model<M: Model>() {}

/// Fails to compile unless `F` and `K` are the same type.
pub const fn assert_same_key<F: SameKey<K>, K>() {}

/// Fails to compile unless `field` has type `K`.
pub fn assert_field_key<F: SameKey<K>, K>(field: &F, key: PhantomData<K>) {
    let _ = (field, key);
}

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
