//! The compile-time checks `#[derive(Filter)]` emits: each filter field against
//! the model's field (its column) it filters.

/// A column of type `Self` can be compared with a value of type `V`: the same
/// type, or the type inside a nullable column's `Option`.
#[diagnostic::on_unimplemented(
    message = "a filter value of type `{V}` cannot be compared with this column of type `{Self}`",
    label = "the model's column is `{Self}`",
    note = "give the filter field the column's type (inside an `Option`, `Option<Vec<_>>` for `in`)"
)]
pub trait Compares<V> {}

impl<T> Compares<T> for T {}
impl<T> Compares<T> for Option<T> {}

/// A text column, for `like`, `starts_with` and `contains`.
#[diagnostic::on_unimplemented(
    message = "`like`, `starts_with` and `contains` need a text column, not `{Self}`",
    label = "not a `String` column",
    note = "use `eq`, `in` or a comparison on other columns"
)]
pub trait Text {}

impl Text for String {}
impl Text for Option<String> {}

/// A nullable column, for `is_null`.
#[diagnostic::on_unimplemented(
    message = "`is_null` needs a nullable column (`Option<_>`), not `{Self}`",
    label = "this column is never NULL",
    note = "remove the `is_null` filter, or make the model's field an `Option`"
)]
pub trait Nullable {}

impl<T> Nullable for Option<T> {}

/// Checks that `column` compares with `V`.
pub const fn compares<C: Compares<V> + ?Sized, V>(column: &C) {
    let _ = column;
}

/// Checks that `column` is text.
pub const fn text<C: Text + ?Sized>(column: &C) {
    let _ = column;
}

/// Checks that `column` is nullable.
pub const fn nullable<C: Nullable + ?Sized>(column: &C) {
    let _ = column;
}
